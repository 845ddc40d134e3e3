"""Which conversation events an operator's systems hear about, and what they are told."""

from __future__ import annotations

from typing import Any

from relaydesk.domain.model import Event, EventKind, Owner, Source
from relaydesk.domain.payloads import ApprovalNoted, OwnerChanged

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
    if event.kind is EventKind.SIGNAL and "csat" in event.data:
        return "conversation.rated"
    return None


def event_data(kind: str, event: Event) -> dict[str, Any]:
    """The part of the event a webhook carries: what was said or decided, no internals."""
    data = event.data
    if kind == "message.created":
        return {"source": event.source.value, "text": event.text, **_agent_name(data)}
    if kind == "conversation.handed_off":
        return {"reason": data.get("reason"), "skill": data.get("skill")}
    if kind == "conversation.assigned":
        return {"agent_id": event.actor_id, **_agent_name(data)}
    if kind == "conversation.closed":
        return {"by": event.source.value, "disposition": data.get("disposition")}
    if kind == "approval.decided":
        keys = ("approval_id", "status", "tool", "decided_by", "reason")
        return {key: data.get(key) for key in keys}
    if kind == "conversation.rated":
        return {"score": data.get("csat"), "comment": data.get("comment")}
    return {}


def _agent_name(data: dict[str, Any]) -> dict[str, Any]:
    return {"agent_name": data["agent_name"]} if data.get("agent_name") else {}
