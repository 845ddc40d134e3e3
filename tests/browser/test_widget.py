"""The customer chat widget in a real browser against a real server."""

from __future__ import annotations

from typing import Any

import pytest

expect = pytest.importorskip("playwright.sync_api", reason="needs playwright").expect


def test_a_customer_message_gets_an_answer_in_the_widget(open_shop: Any) -> None:
    widget = open_shop()
    widget.send("hello there")
    expect(widget.messages("assistant")).to_have_count(1)
    assert widget.message_texts("you") == ["hello there"]
