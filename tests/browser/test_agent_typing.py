"""A customer waiting for a person sees "<Agent> is typing…" while the agent writes a reply
in the console, then the reply itself; the indicator goes away when it arrives."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from support.server import ServerProcess

pytestmark = pytest.mark.browser


def claim(console: Any, server: ServerProcess, cid: str) -> None:
    console.goto(f"{server.url}/console/conversations/{cid}")
    console.get_by_role("button", name="Claim this conversation").click()
    expect(console.get_by_test_id("owner")).to_have_text("agent")
    console.locator("#live.on").wait_for()


def test_the_customer_sees_the_agent_typing_then_the_reply(
    open_shop: Any, server: ServerProcess, agent_console: Any, artifacts_dir: Path
) -> None:
    widget = open_shop()
    widget.ask_for_a_person("my parcel never arrived")
    widget.wait_for_mode("socket")
    cid = widget.state()["conversationId"]

    console = agent_console(server, "Tove Lind")
    claim(console, server, cid)
    expect(widget.status).to_contain_text("You are chatting with Tove.")
    expect(widget.typing).to_be_hidden()

    box = console.get_by_label("Reply to the customer")
    box.press_sequentially("Hi, Tove here", delay=40)
    expect(widget.typing).to_be_visible()
    expect(widget.typing).to_have_text("Tove is typing…")
    expect(widget.typing).to_have_attribute("role", "status")
    widget.page.screenshot(path=str(artifacts_dir / "agent-typing-widget.png"))

    box.press_sequentially(", let me check your parcel.", delay=20)
    console.get_by_role("button", name="Send reply").click()
    expect(widget.messages("agent")).to_have_count(1)
    expect(widget.messages("agent").locator(".rd-text")).to_have_text(
        "Hi, Tove here, let me check your parcel."
    )
    expect(widget.messages("agent").locator(".rd-from")).to_have_text("Tove")
    expect(widget.typing).to_be_hidden()


def test_the_agent_typing_indicator_goes_away_when_the_agent_stops(
    open_shop: Any, server: ServerProcess, agent_console: Any
) -> None:
    widget = open_shop()
    widget.ask_for_a_person("hello")
    widget.wait_for_mode("socket")
    console = agent_console(server, "Olle")
    claim(console, server, widget.state()["conversationId"])

    console.get_by_label("Reply to the customer").press_sequentially("One mo", delay=30)
    expect(widget.typing).to_have_text("Olle is typing…")
    # No signal for a while: the indicator times out (6 s) without a message arriving.
    expect(widget.typing).to_be_hidden(timeout=9_000)
    expect(widget.messages("agent")).to_have_count(0)
