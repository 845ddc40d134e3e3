"""Which conversation events an operator's systems hear about, and what they are told."""

from __future__ import annotations

from typing import Any

from relaydesk.domain.message_payloads import MessageSaid
from relaydesk.domain.model import Event, EventKind, Owner, Source
from relaydesk.domain.payloads import ApprovalNoted, CsatRated, OwnerChanged

EVENT_TYPES = (
    "conversation.started",
    "message.created",
    "conversation.handed_off",
    "conversation.assigned",
    "approval.decided",
    "conversation.closed",
    "conversation.reopened",
    "conversation.rated",
)
_SPEAKERS = frozenset({Source.CUSTOMER, Source.ASSISTANT, Source.AGENT})


_OWNER_TYPES = {
    Owner.QUEUED: "conversation.handed_off",
    Owner.AGENT: "conversation.assigned",
    Owner.CLOSED: "conversation.closed",
}


def webhook_type(event: Event) -> str | None:
    """The webhook type for a stored event, or None when it is internal."""
    if event.kind is EventKind.MESSAGE:
        return "message.created" if event.source in _SPEAKERS and event.text else None
    change = OwnerChanged.of(event)
    if change is not None:
        moved = _OWNER_TYPES.get(change.after) if change.after is not None else None
        return moved or ("conversation.reopened" if change.before is Owner.CLOSED else None)
    if event.kind is EventKind.APPROVAL:
        noted = ApprovalNoted.of(event)
        return "approval.decided" if noted is not None and noted.decided else None
    if CsatRated.of(event) is not None:
        return "conversation.rated"
    return None


def event_data(kind: str, event: Event) -> dict[str, Any]:
    """The part of the event a webhook carries: what was said or decided, no internals."""
    if kind == "message.created":
        said = MessageSaid.of(event)
        written = {"source": event.source.value, "text": event.text}
        return written | _agent_name(said.agent_name if said is not None else None)
    if (change := OwnerChanged.of(event)) is not None:
        return _owner_data(kind, event, change)
    if kind == "approval.decided" and (noted := ApprovalNoted.of(event)) is not None:
        return {
            "approval_id": noted.approval_id,
            "status": noted.status.value if noted.status else None,
            "tool": noted.tool,
            "decided_by": noted.decided_by,
            "reason": noted.reason,
        }
    if kind == "conversation.rated" and (rating := CsatRated.of(event)) is not None:
        return {"score": rating.score, "comment": rating.comment}
    return {}


def _owner_data(kind: str, event: Event, change: OwnerChanged) -> dict[str, Any]:
    if kind == "conversation.handed_off":
        return {"reason": change.reason, "skill": change.skill}
    if kind == "conversation.assigned":
        return {"agent_id": event.actor_id, **_agent_name(change.agent_name)}
    if kind == "conversation.closed":
        return {"by": event.source.value, "disposition": change.disposition}
    return {}


def _agent_name(name: str | None) -> dict[str, Any]:
    return {"agent_name": name} if name else {}
