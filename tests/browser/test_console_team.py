"""The newcomer's step 6 with the real assistant: the refund it may not make alone goes to a
person, who approves it in the console; the refund is really made, and the assistant takes
the conversation back with everything that happened.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from relaydesk.desk.agents import AgentDesk
from relaydesk.domain.agents import Role
from relaydesk.packs.paylater.backend import tables as t
from relaydesk.store.agents import AgentStore
from relaydesk.store.engine import make_engine
from support.server import ServerProcess

expect = pytest.importorskip("playwright.sync_api", reason="needs playwright").expect

pytestmark = pytest.mark.browser

EMAIL = "nora@example.com"
PASSWORD = "team test password"
LARGE_ORDER = "ORD-100004"  # Alice's 1,249 EUR television: above the automatic refund limit


def database_url(server: ServerProcess) -> str:
    return f"sqlite:///{server.data_dir / 'relaydesk.sqlite3'}"


def refunds_of(server: ServerProcess, order_id: str) -> list[str]:
    engine = make_engine(database_url(server))
    try:
        with engine.connect() as conn:
            rows = conn.execute(
                select(t.refunds.c.status).where(t.refunds.c.order_id == order_id)
            ).all()
    finally:
        engine.dispose()
    return [row.status for row in rows]


@pytest.fixture
def agent_page(browser: Any, assistant_server: ServerProcess) -> Iterator[Any]:
    """A second browser, the agent's, signed in to the console."""
    engine = make_engine(database_url(assistant_server))
    try:
        # a supervisor: 1,249 EUR is above a plain agent's own approval limit (1,000 EUR)
        AgentDesk(AgentStore(engine), "unused").add_agent(
            email=EMAIL, display_name="Nora Berg", password=PASSWORD, skills=["payments"],
            role=Role.SUPERVISOR,
        )
    finally:
        engine.dispose()
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.set_default_timeout(15_000)
    page = context.new_page()
    page.goto(f"{assistant_server.url}/console")
    page.get_by_label("Email").fill(EMAIL)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    yield page
    context.close()


def test_a_refund_the_assistant_proposed_is_approved_in_the_console_and_really_made(
    open_shop_at: Any, assistant_server: ServerProcess, agent_page: Any, artifacts_dir: Path
) -> None:
    assert refunds_of(assistant_server, LARGE_ORDER) == []
    widget = open_shop_at(assistant_server)
    widget.send(f"I want a refund for {LARGE_ORDER}")
    widget.page.locator(".rd-choice").first.click()  # confirms the refund it offers
    expect(widget.status).to_contain_text("A person will join you")
    assert refunds_of(assistant_server, LARGE_ORDER) == []  # nothing made without a person
    conversation_id = widget.state()["conversationId"]

    console = agent_page
    row = console.locator(f'tr[data-conversation="{conversation_id}"]')
    row.wait_for()
    if row.get_by_role("button", name="Claim").count():
        row.get_by_role("button", name="Claim").click()
    else:  # the routing loop already gave it to the only agent online
        row.get_by_role("link").first.click()
    console.wait_for_url(f"**/console/conversations/{conversation_id}")
    summary = console.get_by_test_id("summary")
    expect(summary).to_contain_text(LARGE_ORDER)
    expect(summary).to_contain_text("approval", ignore_case=True)
    console.screenshot(path=str(artifacts_dir / "team-01-summary.png"), full_page=True)

    console.get_by_label("Reply to the customer").fill("Hi Alice, Nora here. Checking it now.")
    console.get_by_role("button", name="Send reply").click()
    expect(widget.messages("agent").last.locator(".rd-text")).to_have_text(
        "Hi Alice, Nora here. Checking it now."
    )
    expect(widget.messages("agent").last.locator(".rd-from")).to_have_text("Nora")

    approval = console.locator("[data-approval]").first
    approval.get_by_role("button", name="Approve").click()
    expect(console.locator("[data-approval].status-approved")).to_have_count(1)
    assert refunds_of(assistant_server, LARGE_ORDER) == ["pending"]
    expect(widget.log).to_contain_text("refund")
    console.screenshot(path=str(artifacts_dir / "team-02-approved.png"), full_page=True)

    console.get_by_role("button", name="Hand back to the assistant").click()
    expect(widget.status).to_have_text("You are chatting with the assistant.")
    answers = widget.messages("assistant").count()
    widget.send(f"what is the status of my refund for {LARGE_ORDER}?")
    expect(widget.messages("assistant")).to_have_count(answers + 1)
    expect(widget.messages("assistant").last).to_contain_text(LARGE_ORDER)
    widget.page.screenshot(path=str(artifacts_dir / "team-03-back-with-assistant.png"))
