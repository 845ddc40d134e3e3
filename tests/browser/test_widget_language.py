"""The widget speaks the customer's language: the browser's, the site's, then the detected one."""

from __future__ import annotations

from typing import Any

import pytest

from support.server import ServerProcess

expect = pytest.importorskip("playwright.sync_api", reason="needs playwright").expect

pytestmark = pytest.mark.browser


@pytest.fixture
def browser_context_options() -> dict[str, Any]:
    return {"locale": "sv-SE", "viewport": {"width": 1024, "height": 760}}


def test_the_widget_labels_follow_the_browser_language(open_shop: Any) -> None:
    widget = open_shop("?anonymous=1")
    page = widget.page
    expect(page.get_by_role("button", name="Prata med en person")).to_be_visible()
    expect(page.get_by_label("Ditt meddelande")).to_be_visible()
    expect(widget.status).to_have_text("Du chattar med assistenten.")
    assert widget.state()["language"] == "sv"


def test_a_site_that_names_a_language_overrides_the_browser(
    open_shop_at: Any, server: ServerProcess
) -> None:
    widget = open_shop_at(server, "?lang=de")
    expect(widget.page.get_by_role("button", name="Mit einem Menschen sprechen")).to_be_visible()
    expect(widget.launcher).to_have_text("Chatten Sie mit uns")


def test_a_fee_question_in_a_swedish_browser_is_answered_in_swedish_with_a_working_link(
    open_shop_at: Any, assistant_server: ServerProcess
) -> None:
    widget = open_shop_at(assistant_server, "?anonymous=1")
    widget.send("Vilka avgifter tar ni ut?")
    answer = widget.messages("assistant").last
    expect(answer).to_contain_text("avgift")
    link = answer.locator("a")
    expect(link).to_have_count(1)
    href = link.get_attribute("href")
    assert href is not None and href.startswith(f"{assistant_server.url}/help/sv/")
    with widget.page.context.expect_page() as opened:
        link.click()
    article = opened.value
    article.wait_for_load_state()
    assert article.url == href
    expect(article.locator("html")).to_have_attribute("lang", "sv")
    expect(article.locator("h1")).to_contain_text("avgift", ignore_case=True)
