"""Issue 18's small things that read as broken, replayed with the real assistant in a browser:
a help link reads as the article's title and its domain (never "More: 127.0.0.1"), the
delivery question is answered from its article, and a tapped "Ja" stays "Ja" in the
customer's bubble."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from support.server import ServerProcess

expect = pytest.importorskip("playwright.sync_api", reason="needs playwright").expect

pytestmark = pytest.mark.browser


def test_the_delivery_question_links_the_article_by_its_title(
    open_shop_at: Any, assistant_server: ServerProcess, artifacts_dir: Path
) -> None:
    widget = open_shop_at(assistant_server, "?anonymous=1")
    widget.send("do you ship to Iceland?")
    answer = widget.messages("assistant").last
    expect(answer).to_contain_text("country")
    link = answer.locator("a")
    # the title reads first; the domain follows so a customer sees where the link goes
    expect(link).to_have_text("Questions about delivery (127.0.0.1)")
    expect(link).to_have_attribute(
        "href", f"{assistant_server.url}/help/en/delivery-and-shipping"
    )
    expect(answer).not_to_contain_text("More: 127.0.0.1")
    expect(answer).not_to_contain_text("put it another way")
    widget.page.screenshot(path=str(artifacts_dir / "small-things-01-link-title.png"))


def test_a_tapped_ja_shows_ja_and_postpones_in_swedish(
    open_shop_at: Any, assistant_server: ServerProcess, artifacts_dir: Path
) -> None:
    widget = open_shop_at(assistant_server, "?customer=cust-sven&lang=sv")
    widget.send("Kan jag skjuta upp betalningen för ORD-200001 en vecka?")
    choices = widget.page.locator(".rd-choice")
    expect(choices).to_have_text(["Ja", "Nej"])
    answers = widget.messages("assistant").count()
    choices.first.click()
    expect(widget.messages("assistant")).to_have_count(answers + 1)
    assert widget.message_texts("you")[-1] == "Ja"  # what was tapped, not "yes"
    expect(widget.messages("assistant").last).to_contain_text("ORD-200001")
    expect(choices).to_have_count(0)
    widget.page.screenshot(path=str(artifacts_dir / "small-things-02-ja.png"))
