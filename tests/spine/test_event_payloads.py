"""Each event kind reads back as its typed payload (domain.payloads and its neighbours)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from relaydesk.domain.agents import ApprovalStatus
from relaydesk.domain.message_payloads import (
    Choice,
    FollowUpAsked,
    MessageSaid,
    ToolCalled,
    WrittenAs,
)
from relaydesk.domain.model import ConversationId, Event, EventId, EventKind, Owner, Source
from relaydesk.domain.model_notes import HandoffNoted, Translated, model_calls_of
from relaydesk.domain.payloads import ApprovalNoted, CsatRated, ToolRan
from relaydesk.domain.turn_payloads import AssistantTurn, KeyClaimed


def stored_event(data: dict[str, Any], kind: EventKind = EventKind.APPROVAL) -> Event:
    return Event(
        id=EventId("evt_1"),
        conversation_id=ConversationId("cnv_1"),
        seq=1,
        kind=kind,
        source=Source.AGENT,
        created_at=datetime(2026, 12, 6, tzinfo=UTC),
        data=data,
    )


def test_a_request_reads_back_with_its_tool_params_and_summary() -> None:
    asked = ApprovalNoted.of(stored_event({
        "approval_id": "apr_1", "status": "pending", "tool": "refund_order",
        "params": {"order": "A-1"}, "summary": "Refund A-1",
    }))  # fmt: skip
    assert asked == ApprovalNoted(
        "apr_1", ApprovalStatus.PENDING, "refund_order", {"order": "A-1"}, "Refund A-1"
    )
    assert not asked.decided


def test_a_decision_is_decided_and_a_failure_is_not() -> None:
    approved = ApprovalNoted.of(
        stored_event({"approval_id": "apr_1", "status": "approved", "decided_by": "agt_2"})
    )
    failed = ApprovalNoted.of(stored_event({"approval_id": "apr_1", "status": "failed"}))
    assert approved is not None and approved.decided and approved.decided_by == "agt_2"
    assert failed is not None and not failed.decided


def test_other_events_and_events_without_a_request_have_no_approval_payload() -> None:
    assert ApprovalNoted.of(stored_event({"status": "pending"})) is None
    assert ApprovalNoted.of(stored_event({"approval_id": "apr_1"}, EventKind.NOTE)) is None
    unknown = ApprovalNoted.of(stored_event({"approval_id": "apr_1", "status": "maybe"}))
    assert unknown is not None and unknown.status is None


def test_a_tool_result_reads_back_with_its_tool_status_and_params() -> None:
    result = stored_event(
        {"tool": "book_repair", "status": "done", "params": {"part": "chain"}},
        EventKind.TOOL_RESULT,
    )
    ran = ToolRan.of(result)
    assert ran == ToolRan("book_repair", "done", {"part": "chain"}) and ran.done
    refused_by_policy = {"tool": "refund", "status": "denied", "decision": {"outcome": "deny"}}
    assert ToolRan.read(refused_by_policy).policy_outcome == "deny"
    odd = {"tool": "book_repair", "params": None}
    refused = ToolRan.of(stored_event(odd, EventKind.TOOL_RESULT))
    assert refused == ToolRan("book_repair", "?", {}) and not refused.done
    assert ToolRan.of(stored_event({"tool": "book_repair"})) is None  # an approval event


def test_an_assistant_turn_reads_back_what_it_understood_and_remembers() -> None:
    written = AssistantTurn(
        intent="refund_status",
        confidence=0.91,
        frustration=0.2,
        language="de",
        entities=(("order_id", "ORD-1"), ("order_id", "ORD-2")),
        calls=[{"role": "understanding", "outcome": "accepted"}],
        dialogue={"flow": None},
    )
    stored = stored_event(written.event().data, EventKind.ASSISTANT_TURN)
    read = AssistantTurn.of(stored)
    assert read == written
    assert read.found == {"order_id": "ORD-2"} and read.named_intent() == "refund_status"
    assert model_calls_of(stored) == [{"role": "understanding", "outcome": "accepted"}]
    assert AssistantTurn.of(stored_event(written.event().data)) is None  # an approval event


def test_an_out_of_scope_turn_names_no_intent_and_odd_values_read_as_missing() -> None:
    odd = {"intent": 7, "confidence": "high", "out_of_scope": True, "entities": {"last4": 1234}}
    read = AssistantTurn.of(stored_event(odd, EventKind.ASSISTANT_TURN))
    assert read is not None
    assert (read.intent, read.confidence, read.sure, read.named_intent()) == (None, None, 0.0, None)
    assert read.found == {"last4": 1234}  # entities as older writers kept them


def test_a_rating_a_note_a_translation_and_a_claimed_key_read_back_as_written() -> None:
    rating = CsatRated(4, "quick", close_seq=3, closed_from=Owner.AGENT)
    note = HandoffNoted("Wants a refund", ["On it"], through_seq=5, calls=[{"outcome": "ok"}])
    translated = Translated(2, "de", "en", "Where is my refund?", [{"outcome": "accepted"}])
    claimed = KeyClaimed("confirm:abc", EventId("evt_9"))
    for payload in (rating, note, translated, claimed):
        new = payload.event()
        read = type(payload).of(stored_event(new.data, new.kind))  # type: ignore[attr-defined]
        assert read == payload
    assert note.outcome == "ok" and translated.outcome == "accepted"
    assert translated.shown()["from"] == "de"
    assert CsatRated.of(stored_event({"csat": "five"}, EventKind.CSAT_RATING)) is None


def test_a_message_reads_back_its_reply_key_choices_and_writer() -> None:
    data = {
        "reply_key": "confirm",
        "choices": [{"label": "Ja", "value": "yes"}, "odd"],
        "agent_name": "Mia",
        "original": {"text": "Hello", "language": "en"},
    }
    said = MessageSaid.of(stored_event(data, EventKind.MESSAGE))
    assert said is not None and said.reply_key == "confirm" and said.agent_name == "Mia"
    assert said.choices == (Choice("Ja", "yes"),)
    assert said.original == WrittenAs("Hello", "en") and said.translation_failed is None
    assert MessageSaid.of(stored_event(data, EventKind.NOTE)) is None


def test_a_follow_up_note_and_a_tool_call_read_back_as_written() -> None:
    note = FollowUpAsked("ann@example.com").event("The customer asked for a follow-up")
    assert FollowUpAsked.of(stored_event(note.data, note.kind)) == FollowUpAsked("ann@example.com")
    assert FollowUpAsked.of(stored_event({"follow_up_email": "nobody"}, EventKind.NOTE)) is None
    call = ToolCalled("refund_order", {"order": "A-1"}, check=True).event(Source.ASSISTANT)
    assert call.data == {"tool": "refund_order", "params": {"order": "A-1"}, "check": True}
    assert ToolCalled.of(stored_event(call.data, call.kind)) == ToolCalled(
        "refund_order", {"order": "A-1"}, check=True
    )
