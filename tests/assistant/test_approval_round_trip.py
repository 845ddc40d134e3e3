"""A refund above the assistant's limit, end to end with the pay-later pack: the approval
stores the amount shown, a plain agent cannot approve beyond her own limit, a supervisor
can, the refund is made once, and the customer is back with the assistant, not in the queue."""

from collections.abc import Iterator
from dataclasses import replace
from typing import Any

import pytest
from pydantic import BaseModel
from sqlalchemy import Engine, select

from agents.helpers import FAST_HASHER
from relaydesk.assistant.engine import PackAssistant
from relaydesk.bus.memory import MemoryBus
from relaydesk.desk.agents import AgentDesk
from relaydesk.desk.approvals import ApprovalDesk
from relaydesk.desk.conversations import ConversationDesk
from relaydesk.desk.pack_actions import PackActions
from relaydesk.desk.routing import RoutingDesk
from relaydesk.domain.agents import Presence, Role
from relaydesk.domain.errors import Forbidden
from relaydesk.domain.model import EventKind, Owner
from relaydesk.packs.paylater.backend import tables
from relaydesk.packs.paylater.backend.seed import seed_backend
from relaydesk.store.agents import AgentStore
from relaydesk.store.approvals import ApprovalStore
from relaydesk.store.conversations import ConversationStore
from relaydesk.store.engine import make_engine
from relaydesk.store.migrate import upgrade
from relaydesk.store.queue import QueueStore
from relaydesk.tools import PolicyDecision, ToolContext, ToolRegistry, needs_approval
from relaydesk.tools.spec import ToolSpec
from support.demo import TODAY, assistant_on

LARGE_ORDER = "ORD-100004"  # Alice's 1,249 EUR television: above an agent's 1,000 EUR limit


@pytest.fixture
def engine(database_url: str) -> Iterator[Engine]:
    engine = make_engine(database_url)
    upgrade(engine)
    seed_backend(engine, customers=0, today=TODAY)
    yield engine
    engine.dispose()


def refunds(engine: Engine) -> list[int]:
    with engine.connect() as conn:
        rows = conn.execute(
            select(tables.refunds.c.amount_minor).where(tables.refunds.c.order_id == LARGE_ORDER)
        ).all()
    return [row.amount_minor for row in rows]


def test_a_refund_above_an_agents_limit_needs_a_supervisor_and_ends_with_the_assistant(
    demo_assistant: PackAssistant, engine: Engine
) -> None:
    assistant = assistant_on(demo_assistant, engine)
    store, bus = ConversationStore(engine), MemoryBus()
    agent_store = AgentStore(engine)
    routing = RoutingDesk(store, QueueStore(engine), agent_store, bus)
    approvals = ApprovalDesk(
        store, ApprovalStore(engine), routing, bus, PackActions(store, assistant.parts)
    )
    desk = ConversationDesk(store, bus, assistant, proposals=approvals)
    people = AgentDesk(agent_store, "test-secret", hasher=FAST_HASHER)
    nora = people.add_agent(
        email="nora@example.com", display_name="Nora", password="x" * 12, skills=["payments"]
    )
    sara = people.add_agent(
        email="sara@example.com", display_name="Sara", password="x" * 12, role=Role.SUPERVISOR
    )
    people.set_presence(nora, Presence.ONLINE)
    conversation = desk.start_conversation(
        customer_ref="cust-alice", display_name="Alice", language="en"
    )
    desk.receive_customer_message(conversation.id, f"I want a refund for {LARGE_ORDER}", "a")
    desk.receive_customer_message(conversation.id, "yes", "b")
    routing.sync_queue()
    assert store.get_conversation(conversation.id).owner is Owner.QUEUED

    [request] = approvals.pending_for(nora)
    assert request.params["amount"] == "1249.00"  # the amount the customer confirmed
    with pytest.raises(Forbidden, match=r"above your approval limit of 1000\.00 EUR"):
        approvals.approve(request.id, nora)
    assert refunds(engine) == []

    approvals.approve(request.id, sara)

    assert refunds(engine) == [124900]
    after = store.get_conversation(conversation.id)
    assert after.owner is Owner.ASSISTANT
    assert approvals.pending_for(sara) == []
    told = [e.text or "" for e in store.events_after(conversation.id, 0)
            if e.kind is EventKind.MESSAGE]
    assert "refund" in told[-1].lower()
    answer = desk.receive_customer_message(conversation.id, "thanks, what else is due?", "c")
    assert any(e.kind is EventKind.MESSAGE for e in answer.replies)  # the assistant answers


class GiftParams(BaseModel):
    order_id: str


class GiftResult(BaseModel):
    sent: bool


def always_a_person(ctx: ToolContext[Any], params: GiftParams) -> PolicyDecision:
    return needs_approval("gift.needs_person")  # no role's limit lifts it


def test_an_action_no_role_limit_covers_is_decided_by_supervisors_only(
    demo_assistant: PackAssistant, engine: Engine
) -> None:
    registry = ToolRegistry()
    registry.register(
        ToolSpec("send_gift", "A goodwill gift.", GiftParams, GiftResult, always_a_person,
                 lambda ctx, params: GiftResult(sent=True), mutates=True)
    )
    parts = replace(assistant_on(demo_assistant, engine).parts, tools=registry)
    store = ConversationStore(engine)
    conversation = store.create_conversation(
        store.ensure_customer("cust-alice", "Alice", "en").id, "web", "en"
    )
    people = AgentDesk(AgentStore(engine), "test-secret", hasher=FAST_HASHER)
    nora = people.add_agent(email="nora@example.com", display_name="Nora", password="x" * 12)
    sara = people.add_agent(
        email="sara@example.com", display_name="Sara", password="x" * 12, role=Role.SUPERVISOR
    )
    actions = PackActions(store, parts)
    params = {"order_id": "ORD-100001"}
    assert actions.beyond_limit(conversation.id, "send_gift", params, nora) is not None
    assert actions.beyond_limit(conversation.id, "send_gift", params, sara) is None
