"""The newcomer's story through the widget: self-service with the assistant, and a person."""

from __future__ import annotations

import re
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import select

from relaydesk.domain.model import ConversationId, EventKind
from relaydesk.packs.paylater.backend import tables as t
from relaydesk.packs.paylater.backend.demo import ALICE_PLAN_ORDER_ID
from relaydesk.store.conversations import ConversationStore
from relaydesk.store.engine import make_engine
from support.server import ServerProcess

expect = pytest.importorskip("playwright.sync_api", reason="needs playwright").expect

pytestmark = pytest.mark.browser

AGENT_EMAIL = "maria.lind@example.com"
AGENT_PASSWORD = "correct-horse-battery-staple"


def database_url(server: ServerProcess) -> str:
    return f"sqlite:///{server.data_dir / 'relaydesk.sqlite3'}"


def postponed_instalments(server: ServerProcess, order_id: str) -> list[tuple[date, date]]:
    """(original due date, new due date) of the order's postponed instalments."""
    engine = make_engine(database_url(server))
    try:
        with engine.begin() as conn:
            rows = conn.execute(
                select(t.instalments.c.original_due_on, t.instalments.c.due_on)
                .join(t.payment_plans, t.payment_plans.c.id == t.instalments.c.plan_id)
                .where(t.payment_plans.c.order_id == order_id, t.instalments.c.postponed)
            ).all()
    finally:
        engine.dispose()
    return [(row.original_due_on, row.due_on) for row in rows]


def test_a_self_service_conversation_postpones_a_payment_in_the_demo_backend(
    open_shop_at: Any, assistant_server: ServerProcess, artifacts_dir: Path
) -> None:
    assert postponed_instalments(assistant_server, ALICE_PLAN_ORDER_ID) == []
    widget = open_shop_at(assistant_server)
    expect(widget.page.get_by_test_id("signed-in")).to_have_text("Signed in as Alice Andersson")

    widget.send("when is my next payment?")
    expect(widget.messages("assistant")).to_have_count(1)
    expect(widget.messages("assistant").last).to_contain_text("€60.00")

    widget.send("can I push it back a week?")
    expect(widget.messages("assistant")).to_have_count(2)
    confirm = widget.page.locator(".rd-choice").first
    expect(confirm).to_be_visible()
    widget.page.screenshot(path=str(artifacts_dir / "self-service-confirmation.png"))
    confirm.click()

    expect(widget.messages("assistant")).to_have_count(3)
    expect(widget.page.locator(".rd-choice")).to_have_count(0)
    postponed = postponed_instalments(assistant_server, ALICE_PLAN_ORDER_ID)
    assert len(postponed) == 1
    original, moved = postponed[0]
    assert moved - original == timedelta(days=7)
    expect(widget.messages("assistant").last).to_contain_text(f"{moved.day}")


def agent_session(server: ServerProcess) -> dict[str, str]:
    """A demo agent, created in the server's database, signed in over the agent API."""
    from relaydesk.desk.agents import AgentDesk
    from relaydesk.store.agents import AgentStore

    engine = make_engine(database_url(server))
    try:
        desk = AgentDesk(AgentStore(engine), "unused-here")
        if not any(status.agent.email == AGENT_EMAIL for status in desk.list_agents()):
            desk.add_agent(email=AGENT_EMAIL, display_name="Maria Lind", password=AGENT_PASSWORD)
    finally:
        engine.dispose()
    login = httpx.post(
        f"{server.url}/v1/agent/login", json={"email": AGENT_EMAIL, "password": AGENT_PASSWORD}
    )
    assert login.status_code == 200, login.text
    return {"Authorization": f"Bearer {login.json()['token']}"}


def test_an_escalation_shows_the_wait_then_the_agents_reply_and_asks_for_a_rating(
    open_shop: Any, server: ServerProcess, artifacts_dir: Path
) -> None:
    widget = open_shop()
    widget.ask_for_a_person("This is ridiculous, I want to talk to a person.")
    expect(widget.status).to_contain_text(re.compile(r"Expected wait: (about \d+ min|less)"))
    widget.page.screenshot(path=str(artifacts_dir / "escalation-wait.png"))

    agent = agent_session(server)
    conversation_id = widget.state()["conversationId"]
    agent_url = f"{server.url}/v1/agent/conversations/{conversation_id}"
    assert httpx.post(f"{agent_url}/claim", headers=agent).status_code == 200
    expect(widget.status).to_have_text("You are chatting with Maria.")
    reply = httpx.post(
        f"{agent_url}/messages",
        json={"text": "Hi, I'm Maria. I have your order in front of me."},
        headers={**agent, "Idempotency-Key": "agent-reply-1"},
    )
    assert reply.status_code == 200, reply.text
    expect(widget.messages("agent")).to_have_count(1)
    expect(widget.messages("agent").locator(".rd-from")).to_have_text("Maria")
    expect(widget.messages("agent").locator(".rd-text")).to_have_text(
        "Hi, I'm Maria. I have your order in front of me."
    )
    widget.page.screenshot(path=str(artifacts_dir / "escalation-agent-reply.png"))

    closed = httpx.post(f"{agent_url}/close", json={"disposition": "resolved"}, headers=agent)
    assert closed.status_code == 200, closed.text
    expect(widget.log.locator(".rd-event").last).to_have_text("This conversation has ended.")
    rate_and_check(widget, server, conversation_id, score=5, artifacts_dir=artifacts_dir)


def rate_and_check(
    widget: Any, server: ServerProcess, conversation_id: str, score: int, artifacts_dir: Path
) -> None:
    page = widget.page
    expect(page.get_by_role("group", name="How would you rate this conversation?")).to_be_visible()
    page.get_by_label(f"{score} out of 5").check()
    page.get_by_label("Anything you would like to add? (optional)").fill("Quick and kind.")
    page.screenshot(path=str(artifacts_dir / "csat-question.png"))
    page.get_by_role("button", name="Send rating").click()
    expect(page.locator(".rd-thanks")).to_have_text("Thank you for your feedback!")
    engine = make_engine(database_url(server))
    try:
        events = ConversationStore(engine).events_after(ConversationId(conversation_id), 0)
    finally:
        engine.dispose()
    ratings = [e.data for e in events if e.kind is EventKind.CSAT_RATING and "csat" in e.data]
    assert [(r["csat"], r["comment"]) for r in ratings] == [(score, "Quick and kind.")]

    page.reload()
    widget.input.wait_for()
    expect(widget.log.locator(".rd-event").last).to_have_text("This conversation has ended.")
    expect(page.locator(".rd-csat")).to_have_count(0)  # rated once, not asked again


def test_the_labels_follow_the_language_the_conversation_is_detected_in(
    open_shop_at: Any, assistant_server: ServerProcess
) -> None:
    widget = open_shop_at(assistant_server)
    expect(widget.person).to_have_text("Talk to a person")
    widget.send("Hej! När ska jag betala nästa gång?")
    expect(widget.messages("assistant")).to_have_count(1)
    expect(widget.person).to_have_text("Prata med en person")
    expect(widget.input).to_have_attribute("placeholder", "Skriv ett meddelande…")
