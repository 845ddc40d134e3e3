"""The assistant and people as one team: approvals, agents' tools and the customer panel."""

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, select

from relaydesk.api.app import create_app
from relaydesk.api.deps import Services
from relaydesk.assistant.engine import PackAssistant
from relaydesk.domain.agents import Role
from relaydesk.domain.model import ConversationId, EventKind
from relaydesk.packs.paylater.backend import tables
from relaydesk.settings import Settings
from support.demo import assistant_on


@pytest.fixture
def services(demo_assistant: PackAssistant, backend: Engine, tmp_path: Path) -> Iterator[Services]:
    url = backend.url.render_as_string(hide_password=False)
    settings = Settings(database_url=url, data_dir=tmp_path, environment="test")
    app = create_app(settings, assistant_on(demo_assistant, backend))
    with TestClient(app):
        yield app.state.services


def ask_for_large_refund(services: Services) -> ConversationId:
    desk = services.conversations
    conversation = desk.start_conversation(
        customer_ref="cust-alice", display_name="Alice", language="en"
    )
    desk.receive_customer_message(conversation.id, "I want a refund for ORD-100004", "k1")
    desk.receive_customer_message(conversation.id, "yes", "k2")
    return conversation.id


def refunds_of(engine: Engine, order_id: str) -> list[str]:
    with engine.connect() as conn:
        rows = conn.execute(
            select(tables.refunds.c.status).where(tables.refunds.c.order_id == order_id)
        ).all()
    return [row.status for row in rows]


def test_an_approved_refund_is_made_and_the_customer_is_told(
    services: Services, backend: Engine
) -> None:
    conversation_id = ask_for_large_refund(services)
    assert refunds_of(backend, "ORD-100004") == []
    supervisor = services.agents.add_agent(
        email="sam@example.com", display_name="Sam", password="correct horse", role=Role.SUPERVISOR
    )
    (pending,) = services.approvals.pending_for(supervisor)
    assert pending.tool == "request_refund"
    services.approvals.approve(pending.id, supervisor, "Loyal customer")
    assert refunds_of(backend, "ORD-100004") == ["pending"]
    events = services.store.events_after(conversation_id, 0)
    last_reply = [e.text for e in events if e.kind is EventKind.MESSAGE][-1] or ""
    assert "ORD-100004" in last_reply
    assert "refund" in last_reply.lower()


def test_a_rejected_refund_changes_nothing_and_the_customer_hears_why(
    services: Services, backend: Engine
) -> None:
    conversation_id = ask_for_large_refund(services)
    supervisor = services.agents.add_agent(
        email="sam@example.com", display_name="Sam", password="correct horse", role=Role.SUPERVISOR
    )
    (pending,) = services.approvals.pending_for(supervisor)
    services.approvals.reject(pending.id, supervisor, "the item was used")
    assert refunds_of(backend, "ORD-100004") == []
    events = services.store.events_after(conversation_id, 0)
    assert "the item was used" in (
        [e.text for e in events if e.kind is EventKind.MESSAGE][-1] or ""
    )


def test_the_agent_sees_the_customers_account_from_the_pack(services: Services) -> None:
    panel = services.agent_work.profiles.profile("cust-alice")
    orders = panel["find_orders"]["orders"]
    assert "ORD-100001" in {order["order_id"] for order in orders}
    assert panel["next_payment"]["found"] is True


def test_an_agent_refunds_within_their_own_higher_limit(
    services: Services, backend: Engine
) -> None:
    conversation_id = ask_for_large_refund(services)
    outcome = services.agent_work.tools.run(
        conversation_id, "request_refund", {"order_id": "ORD-100004", "amount": "500"}, "agt_1"
    )
    assert outcome["status"] == "done"
    assert refunds_of(backend, "ORD-100004") == ["pending"]


def test_the_approver_reads_the_action_its_values_and_why_it_waits(services: Services) -> None:
    ask_for_large_refund(services)
    supervisor = services.agents.add_agent(
        email="sue@example.com", display_name="Sue", password="correct horse", role=Role.SUPERVISOR
    )
    (pending,) = services.approvals.pending_for(supervisor)
    assert pending.summary == (
        "request refund: amount 1249.00, currency EUR, limit 100.00, order_id ORD-100004"
        " (refund.above_limit)"
    )
