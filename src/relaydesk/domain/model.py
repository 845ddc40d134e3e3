"""The things customer service is made of: conversations, messages, events, agents."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any, NewType

ConversationId = NewType("ConversationId", str)
CustomerId = NewType("CustomerId", str)
AgentId = NewType("AgentId", str)
EventId = NewType("EventId", str)


class Source(StrEnum):
    """Who produced an event."""

    CUSTOMER = "customer"
    ASSISTANT = "assistant"
    AGENT = "agent"
    SYSTEM = "system"


class Owner(StrEnum):
    """Who is answering the conversation right now."""

    ASSISTANT = "assistant"
    QUEUED = "queued"
    AGENT = "agent"
    CLOSED = "closed"


class EventKind(StrEnum):
    MESSAGE = "message"
    OWNER_CHANGED = "owner_changed"
    TOOL_CALL = "tool_call"
    TOOL_RESULT = "tool_result"
    NOTE = "note"
    APPROVAL = "approval"
    # What the assistant understood of a turn and its memory for the next (its dialogue state)
    ASSISTANT_TURN = "assistant_turn"
    CSAT_RATING = "csat_rating"
    HANDOFF_NOTE = "handoff_note"  # the language model's note for the agent taking over
    TRANSLATION = "translation"  # the language model's translation of a customer message
    KEY_CLAIMED = "key_claimed"  # a one-time key (a confirmation, a code) consumed for good

    @classmethod
    def stored(cls, kind: str, data: Mapping[str, Any] | None) -> EventKind:
        """The kind of a stored row. `signal` is what a process older than migration 0009
        still writes during a rolling upgrade: it is read by the key its payload carries,
        the rule the migration applies."""
        if kind != _LEGACY_SIGNAL:
            return cls(kind)
        marked = next((k for k, key in _LEGACY_MARKS if key in (data or {})), None)
        return marked or cls.ASSISTANT_TURN


_LEGACY_SIGNAL = "signal"
_LEGACY_MARKS = (
    (EventKind.KEY_CLAIMED, "claimed"),
    (EventKind.HANDOFF_NOTE, "handoff_note"),
    (EventKind.TRANSLATION, "translation"),
    (EventKind.CSAT_RATING, "csat"),
)


@dataclass(frozen=True)
class Customer:
    id: CustomerId
    display_name: str
    language: str | None = None
    external_ref: str | None = None

    @property
    def signed_in_ref(self) -> str | None:
        """The operator's id for this customer when their site vouched for it; None for a
        reference a channel made up to recognise a sender (`email:<address>`): anyone can
        write a From line, so it proves nothing."""
        ref = self.external_ref
        if ref is None or ref.startswith(CHANNEL_REF_PREFIXES):
            return None
        return ref


# References a channel gives the customers it recognises by address, not identities.
CHANNEL_REF_PREFIXES = ("email:",)


@dataclass(frozen=True)
class Agent:
    id: AgentId
    email: str
    display_name: str
    role: str = "agent"


@dataclass(frozen=True)
class Conversation:
    id: ConversationId
    customer_id: CustomerId
    owner: Owner
    language: str | None
    channel: str
    agent_id: AgentId | None
    version: int
    created_at: datetime
    last_seq: int


@dataclass(frozen=True)
class Event:
    """One append-only fact in a conversation; `seq` orders events within it."""

    id: EventId
    conversation_id: ConversationId
    seq: int
    kind: EventKind
    source: Source
    created_at: datetime
    text: str | None = None
    data: dict[str, Any] = field(default_factory=dict)
    caused_by: EventId | None = None
    actor_id: str | None = None


@dataclass(frozen=True)
class NewEvent:
    """An event about to be appended; the store gives it id, seq and time."""

    kind: EventKind
    source: Source
    text: str | None = None
    data: dict[str, Any] = field(default_factory=dict)
    actor_id: str | None = None
