"""An Arabic customer gets an Arabic, right-to-left widget and Arabic answers; an article that
exists only in English is linked and said to be in English, never pasted in English."""

from __future__ import annotations

from typing import Any

import pytest

from support.server import ServerProcess

expect = pytest.importorskip("playwright.sync_api", reason="needs playwright").expect

pytestmark = pytest.mark.browser


@pytest.fixture
def browser_context_options() -> dict[str, Any]:
    return {"locale": "ar-EG", "viewport": {"width": 1024, "height": 760}}


def test_an_arabic_browser_gets_a_right_to_left_widget_in_arabic(open_shop: Any) -> None:
    widget = open_shop("?anonymous=1")
    page = widget.page
    expect(page.get_by_role("button", name="التحدث إلى موظف")).to_be_visible()
    expect(page.locator("#relaydesk-widget")).to_have_attribute("dir", "rtl")
    expect(page.locator("#relaydesk-widget")).to_have_attribute("lang", "ar")
    assert widget.panel.evaluate("node => getComputedStyle(node).direction") == "rtl"
    # The close button sits at the panel's left edge once the header is mirrored.
    title = widget.page.locator(".rd-title").bounding_box()
    close = widget.page.locator(".rd-close").bounding_box()
    assert title is not None and close is not None and close["x"] < title["x"]


def test_a_latin_message_in_a_right_to_left_panel_keeps_its_own_direction(
    open_shop: Any,
) -> None:
    widget = open_shop("?anonymous=1")
    widget.send("Order ORD-100001 please")
    text = widget.messages("you").last.locator(".rd-text")
    expect(text).to_have_attribute("dir", "auto")
    assert text.evaluate("node => getComputedStyle(node).direction") == "ltr"


def test_an_arabic_fee_question_is_answered_in_arabic_with_the_english_article_linked(
    open_shop_at: Any, assistant_server: ServerProcess
) -> None:
    widget = open_shop_at(assistant_server, "?anonymous=1")
    widget.send("كم رسوم التأخير إذا دفعت متأخرًا؟")
    answer = widget.messages("assistant").last
    expect(answer).to_contain_text("رسوم تأخير")
    expect(answer).to_contain_text("باللغة الإنجليزية")
    link = answer.locator("a")
    expect(link).to_have_count(1)
    href = link.get_attribute("href")
    assert href is not None and href.startswith(f"{assistant_server.url}/help/en/")
