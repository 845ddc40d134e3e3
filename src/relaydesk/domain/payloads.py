"""Typed payloads of stored events, read once from an event's `data` by its kind.

Events keep their payload as JSON (`Event.data`); readers ask for it through these types
instead of `.data.get("...")` with string keys spread over the code. Writers of owner
changes go through `OwnerChange.event` (domain.ownership).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, TypeVar

from relaydesk.domain.agents import ApprovalStatus
from relaydesk.domain.model import Event, EventKind, Owner
from relaydesk.domain.ownership import Transition

E = TypeVar("E", bound=StrEnum)


@dataclass(frozen=True)
class OwnerChanged:
    """What an owner_changed event says: the transition, and why and how it happened."""

    transition: Transition | None
    before: Owner | None
    after: Owner | None
    reason: str | None = None  # why it was escalated or released
    priority: int = 0  # the escalation's own priority
    skill: str | None = None  # the skill the escalation asks for
    disposition: str | None = None  # how a close ended
    agent_name: str | None = None  # who claimed it

    @classmethod
    def of(cls, event: Event) -> OwnerChanged | None:
        """The payload of an owner_changed event; None for an event of any other kind."""
        if event.kind is not EventKind.OWNER_CHANGED:
            return None
        data = event.data
        return cls(
            transition=_member(Transition, data.get("transition")),
            before=_member(Owner, data.get("from")),
            after=_member(Owner, data.get("to")),
            reason=_text(data.get("reason")),
            priority=_whole(data.get("priority")),
            skill=_text(data.get("skill")),
            disposition=_text(data.get("disposition")),
            agent_name=_text(data.get("agent_name")),
        )

    def is_a(self, transition: Transition) -> bool:
        return self.transition is transition


@dataclass(frozen=True)
class ApprovalNoted:
    """What an approval event says: a request for a person's approval, or its decision."""

    approval_id: str
    status: ApprovalStatus | None
    tool: str | None = None
    params: dict[str, Any] = field(default_factory=dict)  # on a request
    summary: str = ""  # on a request: what the person is asked to approve
    decided_by: str | None = None  # on a decision
    reason: str | None = None  # on a decision: why, when given

    @classmethod
    def of(cls, event: Event) -> ApprovalNoted | None:
        """The payload of an approval event naming its request; None for anything else."""
        if event.kind is not EventKind.APPROVAL:
            return None
        data = event.data
        approval_id = _text(data.get("approval_id"))
        if approval_id is None:
            return None
        params = data.get("params")
        return cls(
            approval_id=approval_id,
            status=_member(ApprovalStatus, data.get("status")),
            tool=_text(data.get("tool")),
            params=dict(params) if isinstance(params, dict) else {},
            summary=_text(data.get("summary")) or "",
            decided_by=_text(data.get("decided_by")),
            reason=_text(data.get("reason")),
        )

    @property
    def decided(self) -> bool:
        return self.status in (ApprovalStatus.APPROVED, ApprovalStatus.REJECTED)


@dataclass(frozen=True)
class ToolRan:
    """What a tool_result event says: which tool, how it ended, with which parameters."""

    tool: str
    status: str  # done | denied | needs_approval | error | invalid (tools.spec.Status)
    params: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def of(cls, event: Event) -> ToolRan | None:
        """The payload of a tool_result event; None for an event of any other kind."""
        if event.kind is not EventKind.TOOL_RESULT:
            return None
        data = event.data
        params = data.get("params")
        return cls(
            tool=_text(data.get("tool")) or "?",
            status=_text(data.get("status")) or "?",
            params=dict(params) if isinstance(params, dict) else {},
        )

    @property
    def done(self) -> bool:
        return self.status == "done"


def _member(kind: type[E], value: Any) -> E | None:
    try:
        return kind(value) if isinstance(value, str) else None
    except ValueError:  # written by another version: read as unknown
        return None


def _text(value: Any) -> str | None:
    return value if isinstance(value, str) and value else None


def _whole(value: Any) -> int:
    return int(value) if isinstance(value, int | float) and not isinstance(value, bool) else 0
