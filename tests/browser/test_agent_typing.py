"""A customer waiting for a person sees "<Agent> is typing…" while the agent writes a reply
in the console, then the reply itself; the indicator goes away when it arrives."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from browser.conftest import server_database_url
from relaydesk.desk.agents import AgentDesk
from relaydesk.store.agents import AgentStore
from relaydesk.store.engine import make_engine
from support.server import ServerProcess

pytestmark = pytest.mark.browser

PASSWORD = "typing test password"


def add_agent(server: ServerProcess, email: str, name: str) -> None:
    engine = make_engine(server_database_url(server))
    try:
        AgentDesk(AgentStore(engine), "unused").add_agent(
            email=email, display_name=name, password=PASSWORD
        )
    finally:
        engine.dispose()


@pytest.fixture
def console(browser: Any, artifacts_dir: Path) -> Iterator[Any]:
    """The agent's own browser window (its own cookies), screenshotted at the end."""
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    context.set_default_timeout(15_000)
    opened = context.new_page()
    yield opened
    opened.screenshot(path=str(artifacts_dir / "agent-typing-console.png"), full_page=True)
    context.close()


def sign_in_and_claim(console: Any, server: ServerProcess, email: str, cid: str) -> None:
    console.goto(f"{server.url}/console")
    console.get_by_label("Email").fill(email)
    console.get_by_label("Password").fill(PASSWORD)
    console.get_by_role("button", name="Sign in").click()
    console.wait_for_url(f"{server.url}/console")
    console.goto(f"{server.url}/console/conversations/{cid}")
    console.get_by_role("button", name="Claim this conversation").click()
    expect(console.get_by_test_id("owner")).to_have_text("agent")
    console.locator("#live.on").wait_for()


def test_the_customer_sees_the_agent_typing_then_the_reply(
    open_shop: Any, server: ServerProcess, console: Any, artifacts_dir: Path
) -> None:
    add_agent(server, "tove.typing@example.com", "Tove Lind")
    widget = open_shop()
    widget.send("my parcel never arrived")
    expect(widget.messages("assistant")).to_have_count(1)
    widget.person.click()
    widget.wait_for_mode("socket")
    expect(widget.status).to_contain_text("A person will join you")
    cid = widget.state()["conversationId"]

    sign_in_and_claim(console, server, "tove.typing@example.com", cid)
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
    open_shop: Any, server: ServerProcess, console: Any
) -> None:
    add_agent(server, "olle.typing@example.com", "Olle")
    widget = open_shop()
    widget.send("hello")
    expect(widget.messages("assistant")).to_have_count(1)
    widget.person.click()
    widget.wait_for_mode("socket")
    expect(widget.status).to_contain_text("A person will join you")
    sign_in_and_claim(console, server, "olle.typing@example.com", widget.state()["conversationId"])

    console.get_by_label("Reply to the customer").press_sequentially("One mo", delay=30)
    expect(widget.typing).to_have_text("Olle is typing…")
    # No signal for a while: the indicator times out (6 s) without a message arriving.
    expect(widget.typing).to_be_hidden(timeout=9_000)
    expect(widget.messages("agent")).to_have_count(0)
