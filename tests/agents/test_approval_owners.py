"""Approvals that finish the job: seen by whoever may decide them whatever their load, decided
only within the approver's own limit, and the conversation returned to its owner after."""

from __future__ import annotations

from typing import Any

import pytest

from agents.helpers import Desks
from relaydesk.domain.agents import AgentAccount, ApprovalStatus, Presence, Role
from relaydesk.domain.errors import Forbidden
from relaydesk.domain.model import EventKind, NewEvent, Owner, Source
from relaydesk.domain.visibility import for_customer


class LimitedExecutor:
    """Runs approved refunds; a plain agent may approve up to 1,000, supervisors any amount."""

    def __init__(self) -> None:
        self.executed: list[dict[str, Any]] = []

    def execute(
        self, conversation_id: str, tool: str, params: dict[str, Any], approved_by: str
    ) -> list[NewEvent]:
        self.executed.append(params)
        return [NewEvent(kind=EventKind.MESSAGE, source=Source.ASSISTANT, text="Refund sent.")]

    def explain_rejection(self, conversation_id: str, tool: str, reason: str) -> list[NewEvent]:
        text = f"Sorry: {reason}"
        return [NewEvent(kind=EventKind.MESSAGE, source=Source.ASSISTANT, text=text)]

    def beyond_limit(
        self, conversation_id: str, tool: str, params: dict[str, Any], approver: AgentAccount
    ) -> str | None:
        if approver.role is Role.AGENT and params["amount"] > 1000:
            return "1249 EUR is above your approval limit of 1000 EUR."
        return None


@pytest.fixture
def limited(desks: Desks) -> LimitedExecutor:
    executor = LimitedExecutor()
    desks.approvals.executor = executor
    return executor


def refund_waiting_for_approval(desks: Desks, amount: int) -> tuple[Any, str]:
    conversation = desks.escalated("needs_approval")
    desks.routing.sync_queue()
    approval_id = desks.approvals.propose(
        conversation.id, "refund_order", {"order_id": "ORD-1", "amount": amount}, "Refund"
    )
    return conversation, approval_id


def test_an_agent_at_capacity_sees_and_decides_an_approval_and_the_assistant_takes_over(
    desks: Desks, limited: LimitedExecutor
) -> None:
    nora = desks.add("Nora", capacity=1)
    desks.agents.set_presence(nora, Presence.ONLINE)
    busy = desks.escalated("asked_for_human")
    desks.routing.sync_queue()
    desks.routing.claim(busy.id, nora)  # she is now full
    conversation, approval_id = refund_waiting_for_approval(desks, 320)

    assert [r.id for r in desks.approvals.pending_for(nora)] == [approval_id]
    desks.approvals.approve(approval_id, nora)

    after = desks.store.get_conversation(conversation.id)
    assert after.owner is Owner.ASSISTANT
    assert desks.queue.entry_for(conversation.id) is None
    assert desks.approvals.pending_for(nora) == []
    events = desks.store.events_after(conversation.id, 0)
    seen = [e for e in map(for_customer, events) if e is not None]
    assert seen[-2].text == "Refund sent."
    assert seen[-1].data["transition"] == "resume" and seen[-1].data["to"] == "assistant"
    assert limited.executed == [{"order_id": "ORD-1", "amount": 320}]


def test_a_rejected_approval_also_returns_a_waiting_customer_to_the_assistant(
    desks: Desks, limited: LimitedExecutor
) -> None:
    nora = desks.add("Nora")
    conversation, approval_id = refund_waiting_for_approval(desks, 320)
    desks.approvals.reject(approval_id, nora, "The item was never returned")
    assert desks.store.get_conversation(conversation.id).owner is Owner.ASSISTANT
    assert limited.executed == []


def test_a_decided_approval_leaves_a_claimed_conversation_with_the_person_holding_it(
    desks: Desks, limited: LimitedExecutor
) -> None:
    nora = desks.add("Nora")
    conversation, approval_id = refund_waiting_for_approval(desks, 320)
    desks.routing.claim(conversation.id, nora)
    desks.approvals.approve(approval_id, nora)
    after = desks.store.get_conversation(conversation.id)
    assert after.owner is Owner.AGENT and after.agent_id == nora.id


def test_an_agent_cannot_approve_above_her_own_limit_and_a_supervisor_can(
    desks: Desks, limited: LimitedExecutor
) -> None:
    nora, sara = desks.add("Nora"), desks.add("Sara", role=Role.SUPERVISOR)
    conversation, approval_id = refund_waiting_for_approval(desks, 1249)

    with pytest.raises(Forbidden, match="above your approval limit"):
        desks.approvals.approve(approval_id, nora)
    assert desks.approvals.approvals.get(approval_id).status is ApprovalStatus.PENDING
    assert limited.executed == []

    assert desks.approvals.approve(approval_id, sara).status is ApprovalStatus.APPROVED
    assert limited.executed == [{"order_id": "ORD-1", "amount": 1249}]
    assert desks.store.get_conversation(conversation.id).owner is Owner.ASSISTANT


def test_a_conversation_outside_an_agents_queue_shows_her_no_approval(
    desks: Desks, limited: LimitedExecutor
) -> None:
    swedish_only = desks.add("Sven", languages=("sv",))
    desks.add("Emma", languages=("en",))  # someone speaks the customer's language
    _, approval_id = refund_waiting_for_approval(desks, 320)
    assert desks.approvals.pending_for(swedish_only) == []
    with pytest.raises(Forbidden):
        desks.approvals.approve(approval_id, swedish_only)
