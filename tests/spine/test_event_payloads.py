"""Approval and tool-result events read back as their typed payloads (domain.payloads)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from relaydesk.domain.agents import ApprovalStatus
from relaydesk.domain.model import ConversationId, Event, EventId, EventKind, Source
from relaydesk.domain.payloads import ApprovalNoted, ToolRan


def approval_event(data: dict[str, Any], kind: EventKind = EventKind.APPROVAL) -> Event:
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
    asked = ApprovalNoted.of(approval_event({
        "approval_id": "apr_1", "status": "pending", "tool": "refund_order",
        "params": {"order": "A-1"}, "summary": "Refund A-1",
    }))  # fmt: skip
    assert asked == ApprovalNoted(
        "apr_1", ApprovalStatus.PENDING, "refund_order", {"order": "A-1"}, "Refund A-1"
    )
    assert not asked.decided


def test_a_decision_is_decided_and_a_failure_is_not() -> None:
    approved = ApprovalNoted.of(
        approval_event({"approval_id": "apr_1", "status": "approved", "decided_by": "agt_2"})
    )
    failed = ApprovalNoted.of(approval_event({"approval_id": "apr_1", "status": "failed"}))
    assert approved is not None and approved.decided and approved.decided_by == "agt_2"
    assert failed is not None and not failed.decided


def test_other_events_and_events_without_a_request_have_no_approval_payload() -> None:
    assert ApprovalNoted.of(approval_event({"status": "pending"})) is None
    assert ApprovalNoted.of(approval_event({"approval_id": "apr_1"}, EventKind.NOTE)) is None
    unknown = ApprovalNoted.of(approval_event({"approval_id": "apr_1", "status": "maybe"}))
    assert unknown is not None and unknown.status is None


def test_a_tool_result_reads_back_with_its_tool_status_and_params() -> None:
    result = approval_event(
        {"tool": "book_repair", "status": "done", "params": {"part": "chain"}},
        EventKind.TOOL_RESULT,
    )
    ran = ToolRan.of(result)
    assert ran == ToolRan("book_repair", "done", {"part": "chain"}) and ran.done
    odd = {"tool": "book_repair", "params": None}
    refused = ToolRan.of(approval_event(odd, EventKind.TOOL_RESULT))
    assert refused == ToolRan("book_repair", "?", {}) and not refused.done
    assert ToolRan.of(approval_event({"tool": "book_repair"})) is None  # an approval event
