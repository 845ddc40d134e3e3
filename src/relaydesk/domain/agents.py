"""Human agents: roles, presence, skills and languages, the queue, approvals and the hand-off.

Everything here is pure: who may see or take a conversation, how urgent a queued one is,
which agent suits it best.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any

from relaydesk.domain.errors import Conflict, DomainError, Forbidden
from relaydesk.domain.model import AgentId, Conversation, ConversationId, Owner


class Role(StrEnum):
    AGENT = "agent"
    SUPERVISOR = "supervisor"
    ADMIN = "admin"


class Presence(StrEnum):
    ONLINE = "online"
    AWAY = "away"
    OFFLINE = "offline"


class Disposition(StrEnum):
    """How a person closed a conversation, for reporting."""

    RESOLVED = "resolved"
    REFUNDED = "refunded"
    ESCALATED_EXTERNALLY = "escalated_externally"
    NO_RESPONSE = "no_response"
    DUPLICATE = "duplicate"
    SPAM = "spam"


class ApprovalStatus(StrEnum):
    PENDING = "pending"
    APPROVED = "approved"
    REJECTED = "rejected"
    FAILED = "failed"


class AtCapacity(Conflict):
    code = "at_capacity"


class AlreadyDecided(Conflict):
    code = "already_decided"


class ToolsUnavailable(DomainError):
    code = "tools_unavailable"


@dataclass(frozen=True)
class AgentAccount:
    """A person who answers customers; `capacity` is how many conversations at once."""

    id: AgentId
    email: str
    display_name: str
    role: Role
    skills: frozenset[str] = frozenset()
    languages: frozenset[str] = frozenset()
    capacity: int = 3
    active: bool = True

    @property
    def supervises(self) -> bool:
        return self.role in (Role.SUPERVISOR, Role.ADMIN)


@dataclass(frozen=True)
class AgentStatus:
    """An agent's presence as last reported, and how many conversations they hold."""

    agent: AgentAccount
    presence: Presence
    last_seen: datetime | None
    load: int


@dataclass(frozen=True)
class QueueEntry:
    """A conversation waiting for a person, with what it needs."""

    conversation_id: ConversationId
    priority: int
    reason: str
    skill: str | None
    language: str | None
    enqueued_at: datetime
    version: int


@dataclass(frozen=True)
class ApprovalRequest:
    """An action the assistant proposed that only a person may let run."""

    id: str
    conversation_id: ConversationId
    tool: str
    params: dict[str, Any]
    summary: str
    status: ApprovalStatus
    created_at: datetime
    decided_by: AgentId | None = None
    reason: str | None = None
    decided_at: datetime | None = None
    requested_by: AgentId | None = None  # a person whose own call needed approval


@dataclass(frozen=True)
class ToolAttempt:
    tool: str
    status: str
    params: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Handoff:
    """What a person needs to pick a conversation up without asking the customer again."""

    wants: str | None
    intent: str | None
    gathered: dict[str, Any]
    tried: list[ToolAttempt]
    reason: str | None
    detail: str | None
    frustration: float
    language: str | None
    suggested_actions: list[str]


# Sensitive cases and upset customers go first; the escalation's own priority adds to it.
_REASON_WEIGHT = {
    "sensitive_fraud": 60,
    "sensitive_bereavement": 60,
    "sensitive_vulnerability": 60,
    "sensitive_hardship": 50,
    "frustration": 40,
    "sensitive_legal": 30,
    "complaint": 30,
    "needs_approval": 20,
    "assistant_error": 20,
    "tool_error": 15,
    "flow_failed": 10,
    "asked_for_human": 10,
    "low_confidence": 5,
}

def queue_priority(reason: str, priority: int, frustration: float = 0.0) -> int:
    """Higher first: sensitive and frustrated before the rest, then the escalation's priority."""
    return _REASON_WEIGHT.get(reason, 0) + 10 * priority + round(20 * max(0.0, frustration))


def language_matches(agent: AgentAccount, language: str | None) -> bool:
    if language is None or not agent.languages:
        return True
    base = language.split("-")[0].split("_")[0].lower()
    return base in {known.split("-")[0].lower() for known in agent.languages}


def suits(
    agent: AgentAccount, entry: QueueEntry, *, relaxed: bool = False, any_language: bool = False
) -> bool:
    """Whether this agent may take this queued conversation.

    `relaxed` (after a long wait) drops the skill and language requirements: a conversation
    nobody suitable can take still reaches somebody. `any_language` drops the language alone,
    for a language nobody on the team speaks: waiting would not bring a speaker.
    """
    if not agent.active:
        return False
    if agent.supervises or relaxed:
        return True
    if entry.skill is not None and entry.skill not in agent.skills:
        return False
    return any_language or language_matches(agent, entry.language)


def best_agent(
    candidates: Sequence[AgentStatus],
    entry: QueueEntry,
    *,
    relaxed: bool = False,
    any_language: bool = False,
) -> AgentStatus | None:
    """The online agent with room who suits the entry best: skill, then language, then load."""

    def score(status: AgentStatus) -> tuple[int, int, float]:
        agent = status.agent
        skill = 1 if entry.skill is not None and entry.skill in agent.skills else 0
        language = (
            1 if entry.language is not None and language_matches(agent, entry.language) else 0
        )
        return (skill, language, -status.load / max(agent.capacity, 1))

    fitting = [
        status
        for status in candidates
        if status.presence is Presence.ONLINE
        and status.load < status.agent.capacity
        and suits(status.agent, entry, relaxed=relaxed, any_language=any_language)
    ]
    return max(fitting, key=score, default=None)


def require_can_read(
    agent: AgentAccount,
    conversation: Conversation,
    entry: QueueEntry | None,
    *,
    any_language: bool = False,
) -> None:
    """An agent reads what they hold or could take from their queue; supervisors read all."""
    if agent.supervises:
        return
    if conversation.owner is Owner.AGENT and conversation.agent_id == agent.id:
        return
    if (
        conversation.owner is Owner.QUEUED
        and entry is not None
        and suits(agent, entry, any_language=any_language)
    ):
        return
    raise Forbidden("This conversation is outside your queue and assignments.")


def require_can_act(agent: AgentAccount, conversation: Conversation) -> None:
    """Only the agent holding a conversation (or a supervisor) writes in it as a person."""
    if conversation.owner is Owner.AGENT and conversation.agent_id == agent.id:
        return
    if agent.supervises and conversation.owner is not Owner.CLOSED:
        return
    raise Forbidden("Claim the conversation before acting in it.")


def require_role(agent: AgentAccount, *roles: Role) -> None:
    if agent.role not in roles:
        raise Forbidden("Your role does not allow this.")
