"""Issue 18, situation 9 in a browser: an agent who is full still sees the refund waiting for
approval on her home page and approves it there; the approval leaves the queue, the refund is
made, and the customer is back with the assistant instead of "number 1 in the queue"."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from browser.conftest import WidgetPage, server_database_url, start_assistant_server
from relaydesk.desk.agents import AgentDesk
from relaydesk.packs.paylater.backend import tables as t
from relaydesk.store.agents import AgentStore
from relaydesk.store.engine import make_engine
from support.server import ServerProcess

expect = pytest.importorskip("playwright.sync_api", reason="needs playwright").expect

pytestmark = pytest.mark.browser

EMAIL = "ines.full@example.com"
PASSWORD = "approval queue password"
ORDER = "ORD-100004"  # Alice's television: 320 EUR of it is above the assistant's own limit


def refund_amounts(server: ServerProcess) -> list[int]:
    engine = make_engine(server_database_url(server))
    try:
        with engine.connect() as conn:
            rows = conn.execute(
                select(t.refunds.c.amount_minor).where(t.refunds.c.order_id == ORDER)
            ).all()
    finally:
        engine.dispose()
    return [row.amount_minor for row in rows]


@pytest.fixture(scope="module")
def assistant_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerProcess]:
    """Its own server: the test needs Ines to be the only agent online and Alice's television
    unrefunded, and the session's shared server keeps what other tests leave behind."""
    process = start_assistant_server(tmp_path_factory.mktemp("approval-queue-server"))
    yield process
    process.stop()


def wait_until_full(console: Any) -> None:
    """The routing loop gives her the waiting conversation within a few seconds."""
    for _ in range(60):
        console.reload()
        if "1 of 1 conversations" in console.locator(".presence").inner_text():
            return
        time.sleep(0.5)
    raise AssertionError("the agent was never given the conversation")


@pytest.fixture
def full_agent(browser: Any, assistant_server: ServerProcess) -> Any:
    """Ines, who takes one conversation at a time, online in her own browser."""
    engine = make_engine(server_database_url(assistant_server))
    try:
        AgentDesk(AgentStore(engine), "unused").add_agent(
            email=EMAIL, display_name="Ines Full", password=PASSWORD, skills=["payments"],
            capacity=1,
        )
    finally:
        engine.dispose()
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.set_default_timeout(20_000)
    page = context.new_page()
    page.goto(f"{assistant_server.url}/console")
    page.get_by_label("Email").fill(EMAIL)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("button", name="Go online").click()
    expect(page.get_by_test_id("presence")).to_have_text("online")
    yield page
    context.close()


def test_a_full_agent_approves_from_her_home_page_and_the_customer_leaves_the_queue(
    browser: Any,
    open_shop_at: Any,
    assistant_server: ServerProcess,
    full_agent: Any,
    artifacts_dir: Path,
) -> None:
    console = full_agent
    other = browser.new_context(viewport={"width": 1280, "height": 900})
    try:  # another customer's request for a person fills Ines up
        sven_page = other.new_page()
        sven_page.goto(f"{assistant_server.url}/shop?customer=cust-sven")
        sven_page.wait_for_function("window.relaydesk && window.relaydesk.version")
        sven = WidgetPage(sven_page).open()
        sven.send("I want to talk to a person")
        wait_until_full(console)

        alice = open_shop_at(assistant_server)
        alice.send(f"I want a refund of 320 euros for {ORDER}")
        expect(alice.messages("assistant").last).to_contain_text("320")
        alice.page.locator(".rd-choice").first.click()  # "Yes"
        expect(alice.status).to_contain_text("queue")
        assert refund_amounts(assistant_server) == []

        waiting = console.get_by_role("heading", name="Approvals waiting (1)")
        expect(waiting).to_be_visible()
        console.screenshot(path=str(artifacts_dir / "approval-queue-01-waiting.png"))
        console.locator("[data-approval]").get_by_role("button", name="Approve").click()

        expect(console.get_by_role("heading", name="Approvals waiting (0)")).to_be_visible()
        expect(console.locator("[data-approval]")).to_have_count(0)
        assert refund_amounts(assistant_server) == [32000]
        expect(alice.status).to_have_text("You are chatting with the assistant.")
        expect(alice.page.locator(".rd-follow-up-slot")).to_be_empty()
        expect(alice.log).to_contain_text("refund")
        console.screenshot(path=str(artifacts_dir / "approval-queue-02-decided.png"))
        alice.page.screenshot(path=str(artifacts_dir / "approval-queue-03-customer.png"))
    finally:
        other.close()
