"""Typed payloads of stored events, read once from an event's `data` by its kind.

Events keep their payload as JSON (`Event.data`); readers ask for it through these types
instead of `.data.get("...")` with string keys spread over the code. Writers of owner
changes go through `OwnerChange.event` (domain.ownership). Here: owner changes, approvals,
tool results and ratings; the other kinds' payloads are in `message_payloads`,
`turn_payloads` and `model_notes` (docs/architecture.md has the table).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from relaydesk.domain.agents import ApprovalStatus
from relaydesk.domain.model import Event, EventKind, NewEvent, Owner, Source
from relaydesk.domain.ownership import Transition
from relaydesk.domain.payload_fields import mapping, member, text, whole


@dataclass(frozen=True)
class OwnerChanged:
    """What an owner_changed event says: the transition, and why and how it happened."""

    transition: Transition | None
    before: Owner | None
    after: Owner | None
    reason: str | None = None  # why it was escalated or released
    priority: int = 0  # the escalation's own priority
    skill: str | None = None  # the skill the escalation asks for
    detail: str | None = None  # the escalation's detail for the person taking over
    disposition: str | None = None  # how a close ended
    agent_name: str | None = None  # who claimed it

    @classmethod
    def of(cls, event: Event) -> OwnerChanged | None:
        """The payload of an owner_changed event; None for an event of any other kind."""
        if event.kind is not EventKind.OWNER_CHANGED:
            return None
        return cls.read(event.data)

    @classmethod
    def read(cls, data: dict[str, Any]) -> OwnerChanged:
        """The owner change in a stored payload (a row read without its event, in analytics)."""
        return cls(
            transition=member(Transition, data.get("transition")),
            before=member(Owner, data.get("from")),
            after=member(Owner, data.get("to")),
            reason=text(data.get("reason")),
            priority=whole(data.get("priority")),
            skill=text(data.get("skill")),
            detail=text(data.get("detail")),
            disposition=text(data.get("disposition")),
            agent_name=text(data.get("agent_name")),
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
        return cls.read(event.data)

    @classmethod
    def read(cls, data: dict[str, Any]) -> ApprovalNoted | None:
        """The approval in a stored payload; None when it names no request."""
        approval_id = text(data.get("approval_id"))
        if approval_id is None:
            return None
        params = data.get("params")
        return cls(
            approval_id=approval_id,
            status=member(ApprovalStatus, data.get("status")),
            tool=text(data.get("tool")),
            params=dict(params) if isinstance(params, dict) else {},
            summary=text(data.get("summary")) or "",
            decided_by=text(data.get("decided_by")),
            reason=text(data.get("reason")),
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
    policy_outcome: str | None = None  # what the tool's policy said: allow, deny, ...

    @classmethod
    def of(cls, event: Event) -> ToolRan | None:
        """The payload of a tool_result event; None for an event of any other kind."""
        if event.kind is not EventKind.TOOL_RESULT:
            return None
        return cls.read(event.data)

    @classmethod
    def read(cls, data: dict[str, Any]) -> ToolRan:
        """The tool result in a stored payload (a row read without its event, in the audit)."""
        params = data.get("params")
        return cls(
            tool=text(data.get("tool")) or "?",
            status=text(data.get("status")) or "?",
            params=dict(params) if isinstance(params, dict) else {},
            policy_outcome=text(mapping(data.get("decision")).get("outcome")),
        )

    @property
    def done(self) -> bool:
        return self.status == "done"


@dataclass(frozen=True)
class CsatRated:
    """What a csat_rating event says: the customer's 1-5 score of the close it rates."""

    score: int
    comment: str | None = None
    close_seq: int | None = None  # the close rated
    closed_from: Owner | None = None  # who held the conversation when it closed

    @classmethod
    def of(cls, event: Event) -> CsatRated | None:
        """The payload of a csat_rating event; None for an event of any other kind."""
        if event.kind is not EventKind.CSAT_RATING:
            return None
        return cls.read(event.data)

    @classmethod
    def read(cls, data: dict[str, Any]) -> CsatRated | None:
        """The rating in a stored payload; None when it holds no score."""
        score = data.get("csat")
        if not isinstance(score, int | float) or isinstance(score, bool):
            return None
        close_seq = data.get("close_seq")
        return cls(
            score=int(score),
            comment=text(data.get("comment")),
            close_seq=close_seq if isinstance(close_seq, int) else None,
            closed_from=member(Owner, data.get("closed_from")),
        )

    def event(self) -> NewEvent:
        data = {
            "csat": self.score,
            "comment": self.comment,
            "close_seq": self.close_seq,
            "closed_from": self.closed_from.value if self.closed_from else None,
        }
        return NewEvent(EventKind.CSAT_RATING, Source.CUSTOMER, data=data)
