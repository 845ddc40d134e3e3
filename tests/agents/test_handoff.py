"""The hand-off summary (a pure function over events) and deciding approvals."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from agents.helpers import Desks
from relaydesk.desk.handoff import summarize
from relaydesk.domain.agents import AgentAccount, AlreadyDecided, ApprovalStatus
from relaydesk.domain.errors import Forbidden
from relaydesk.domain.model import (
    ConversationId,
    Event,
    EventId,
    EventKind,
    NewEvent,
    Source,
)


def event(seq: int, kind: EventKind, source: Source, text: str | None = None, **data: Any) -> Event:
    return Event(
        id=EventId(f"e{seq}"),
        conversation_id=ConversationId("c1"),
        seq=seq,
        kind=kind,
        source=source,
        created_at=datetime(2026, 11, 23, tzinfo=UTC),
        text=text,
        data=data,
    )


def refund_story() -> list[Event]:
    return [
        event(1, EventKind.MESSAGE, Source.CUSTOMER, "Where is my refund for ORD-100004?"),
        event(
            2,
            EventKind.ASSISTANT_TURN,
            Source.ASSISTANT,
            intent="refund_status",
            confidence=0.91,
            frustration=0.2,
            language="en",
            entities={"order_id": "ORD-100004"},
        ),
        event(
            3,
            EventKind.TOOL_RESULT,
            Source.ASSISTANT,
            tool="refund_order",
            params={"order_id": "ORD-100004", "amount": 1249},
            status="needs_approval",
            decision=None,
            result=None,
        ),
        event(
            4,
            EventKind.APPROVAL,
            Source.ASSISTANT,
            approval_id="apr_1",
            status="pending",
            tool="refund_order",
            summary="Refund 1,249 EUR",
        ),
        event(5, EventKind.MESSAGE, Source.CUSTOMER, "This is taking forever, I am furious"),
        event(
            6,
            EventKind.ASSISTANT_TURN,
            Source.ASSISTANT,
            intent="complaint",
            confidence=0.4,
            frustration=0.85,
            language="en",
            entities={},
        ),
        event(
            7,
            EventKind.TOOL_RESULT,
            Source.ASSISTANT,
            tool="lookup_order",
            params={"order_id": "ORD-100004"},
            status="error",
        ),
        event(
            8,
            EventKind.OWNER_CHANGED,
            Source.ASSISTANT,
            transition="escalate",
            reason="needs_approval",
            priority=2,
            skill="payments",
            detail="Refund above the assistant's limit",
        ),
    ]


def test_the_summary_says_what_the_customer_wants_what_was_tried_and_why_a_person() -> None:
    summary = summarize(refund_story())
    assert summary.intent == "refund_status"  # the unsure "complaint" reading is not trusted
    assert summary.wants == "Where is my refund for ORD-100004?"
    assert summary.gathered == {"order_id": "ORD-100004", "language": "en"}
    assert [(t.tool, t.status) for t in summary.tried] == [
        ("refund_order", "needs_approval"),
        ("lookup_order", "error"),
    ]
    assert summary.reason == "needs_approval"
    assert summary.detail == "Refund above the assistant's limit"
    assert summary.frustration == pytest.approx(0.85)


def test_suggested_actions_put_the_pending_approval_and_the_frustration_first() -> None:
    actions = summarize(refund_story()).suggested_actions
    assert actions[0] == "Decide the pending approval: Refund 1,249 EUR"
    assert actions[1].startswith("Acknowledge the customer's frustration")
    assert any("lookup_order" in action for action in actions)


def test_a_decided_approval_is_no_longer_suggested() -> None:
    decided = event(9, EventKind.APPROVAL, Source.AGENT, approval_id="apr_1", status="approved")
    actions = summarize([*refund_story(), decided]).suggested_actions
    assert not any(action.startswith("Decide") for action in actions)


def test_an_empty_conversation_still_summarizes() -> None:
    summary = summarize([])
    assert summary.wants is None and summary.tried == [] and summary.frustration == 0.0
    assert summary.suggested_actions


class RecordingExecutor:
    def __init__(self) -> None:
        self.executed: list[tuple[str, dict[str, Any], str]] = []

    def execute(
        self, conversation_id: str, tool: str, params: dict[str, Any], approved_by: str
    ) -> list[NewEvent]:
        self.executed.append((tool, params, approved_by))
        return [NewEvent(kind=EventKind.MESSAGE, source=Source.ASSISTANT, text="Refund sent.")]

    def explain_rejection(self, conversation_id: str, tool: str, reason: str) -> list[NewEvent]:
        text = f"Sorry: {reason}"
        return [NewEvent(kind=EventKind.MESSAGE, source=Source.ASSISTANT, text=text)]

    def beyond_limit(
        self, conversation_id: str, tool: str, params: dict[str, Any], approver: AgentAccount
    ) -> str | None:
        return None


def test_an_approval_runs_the_action_exactly_once_with_who_approved(desks: Desks) -> None:
    executor = RecordingExecutor()
    desks.approvals.executor = executor
    holder = desks.add("Holder")
    conversation = desks.escalated("needs_approval")
    desks.routing.claim(conversation.id, holder)
    approval_id = desks.approvals.propose(
        conversation.id, "refund_order", {"order_id": "ORD-1"}, "Refund 1,249 EUR"
    )
    decided = desks.approvals.approve(approval_id, holder)
    with pytest.raises(AlreadyDecided):
        desks.approvals.approve(approval_id, holder)
    with pytest.raises(AlreadyDecided):
        desks.approvals.reject(approval_id, holder, "changed my mind")
    assert decided.status is ApprovalStatus.APPROVED
    assert executor.executed == [("refund_order", {"order_id": "ORD-1"}, holder.id)]
    last_two = desks.store.events_after(conversation.id, 0)[-2:]
    assert last_two[0].data["status"] == "approved" and last_two[1].text == "Refund sent."


def test_a_rejection_needs_the_holder_or_a_supervisor_and_explains_the_reason(
    desks: Desks,
) -> None:
    executor = RecordingExecutor()
    desks.approvals.executor = executor
    holder, stranger = desks.add("Holder"), desks.add("Stranger")
    conversation = desks.escalated("needs_approval")
    desks.routing.claim(conversation.id, holder)
    approval_id = desks.approvals.propose(conversation.id, "refund_order", {}, "Refund")
    with pytest.raises(Forbidden):
        desks.approvals.reject(approval_id, stranger, "no")
    desks.approvals.reject(approval_id, holder, "The order was already refunded")
    assert executor.executed == []
    assert desks.store.events_after(conversation.id, 0)[-1].text == (
        "Sorry: The order was already refunded"
    )


def test_a_failing_action_marks_the_approval_failed_instead_of_losing_it(desks: Desks) -> None:
    class Broken(RecordingExecutor):
        def execute(self, *args: Any) -> list[NewEvent]:
            raise RuntimeError("backend down")

    desks.approvals.executor = Broken()
    holder = desks.add("Holder")
    conversation = desks.escalated("needs_approval")
    desks.routing.claim(conversation.id, holder)
    approval_id = desks.approvals.propose(conversation.id, "refund_order", {}, "Refund")
    assert desks.approvals.approve(approval_id, holder).status is ApprovalStatus.FAILED


def test_proposing_with_a_known_id_records_the_request_once(desks: Desks) -> None:
    conversation = desks.escalated("needs_approval")
    first = desks.approvals.propose(
        conversation.id, "refund_order", {}, "Refund", approval_id="apr_turn_1"
    )
    again = desks.approvals.propose(
        conversation.id, "refund_order", {}, "Refund", approval_id="apr_turn_1"
    )
    assert first == again == "apr_turn_1"
    approvals = [
        e for e in desks.store.events_after(conversation.id, 0) if e.kind is EventKind.APPROVAL
    ]
    assert len(approvals) == 1
    assert [r.id for r in desks.approvals.approvals.pending()] == ["apr_turn_1"]


def test_the_summary_reads_the_assistants_entity_list_slots_and_unfinished_flows() -> None:
    state = {
        "flow": {"name": "refund_request", "slots": {"amount": "1249.00"}},
        "parked": [{"name": "change_due_date", "slots": {}}],
        "verified_customer_id": "cust-alice",
        "failures": {"change_due_date": 2},
    }
    signal = event(
        2,
        EventKind.ASSISTANT_TURN,
        Source.ASSISTANT,
        intent="refund_request",
        confidence=0.8,
        frustration=0.1,
        language="sv",
        entities=[{"kind": "order_id", "value": "ORD-100004"}],
        dialogue=state,
    )
    summary = summarize([event(1, EventKind.MESSAGE, Source.CUSTOMER, "Återbetalning"), signal])
    assert summary.gathered == {
        "language": "sv",
        "order_id": "ORD-100004",
        "amount": "1249.00",
        "verified_customer": "cust-alice",
    }
    assert [(t.tool, t.status) for t in summary.tried] == [
        ("flow:refund_request", "unfinished"),
        ("flow:change_due_date", "failed 2x"),
    ]


def test_a_state_another_version_wrote_is_passed_over_for_the_last_one_this_one_reads() -> None:
    readable = {"flow": {"name": "refund_request", "slots": {"order_id": "ORD-1"}}}
    events = [
        event(1, EventKind.MESSAGE, Source.CUSTOMER, "Refund please"),
        event(2, EventKind.ASSISTANT_TURN, Source.ASSISTANT, dialogue=readable),
        event(3, EventKind.ASSISTANT_TURN, Source.ASSISTANT, dialogue={"flow": {"slots": 7}}),
    ]
    summary = summarize(events, "en")
    assert summary.gathered == {"language": "en", "order_id": "ORD-1"}
    assert [(t.tool, t.status) for t in summary.tried] == [("flow:refund_request", "unfinished")]


def test_a_yes_to_the_confirmation_does_not_replace_what_the_customer_wants() -> None:
    confirmed = [
        *refund_story(),
        event(90, EventKind.MESSAGE, Source.CUSTOMER, "yes"),
        event(91, EventKind.ASSISTANT_TURN, Source.ASSISTANT, intent="affirm", confidence=0.99),
    ]
    assert summarize(confirmed, "en").intent == "refund_status"


def test_the_summary_names_the_pending_confirmation_and_the_unanswered_question() -> None:
    def event(
        seq: int,
        kind: EventKind,
        source: Source,
        text: str | None = None,
        caused_by: str | None = None,
        **data: object,
    ) -> Event:
        return Event(
            id=f"e{seq}",
            conversation_id="c1",
            seq=seq,
            kind=kind,
            source=source,
            text=text,
            data=data,
            created_at=datetime.now(UTC),
            caused_by=caused_by,
        )

    pending = {
        "flow": {
            "name": "postpone_payment",
            "awaiting": "confirm",
            "slots": {"order_id": "ORD-100001", "days": 7},
        }
    }
    events = [
        event(1, EventKind.MESSAGE, Source.CUSTOMER, "can I push it back a week?"),
        event(
            2,
            EventKind.ASSISTANT_TURN,
            Source.ASSISTANT,
            caused_by="e1",
            intent="postpone_payment",
            dialogue=pending,
        ),
        event(3, EventKind.MESSAGE, Source.CUSTOMER, "do you ship to Iceland?"),
        event(
            4,
            EventKind.ASSISTANT_TURN,
            Source.ASSISTANT,
            caused_by="e3",
            intent="faq",
            unanswered=True,
            dialogue=pending,
        ),
        event(5, EventKind.MESSAGE, Source.CUSTOMER, "I want a person"),
        event(
            6,
            EventKind.ASSISTANT_TURN,
            Source.ASSISTANT,
            caused_by="e5",
            intent="talk_to_human",
            dialogue={"flow": None},
        ),
    ]
    actions = summarize(events).suggested_actions
    assert actions[0] == (
        "Pending: postpone payment was waiting for a yes (days 7, order_id ORD-100001)"
    )
    assert actions[1] == 'Unanswered: "do you ship to Iceland?"'
