"""Request and response shapes of the customer API (DTOs, mapped from domain types)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, Field

from relaydesk.domain.model import Conversation, Event

LANGUAGE_PATTERN = r"^[A-Za-z]{2,3}([-_][A-Za-z0-9]{2,8})*$"


class StartConversationIn(BaseModel):
    display_name: str = Field(default="Visitor", min_length=1, max_length=200)
    language: str | None = Field(default=None, pattern=LANGUAGE_PATTERN, max_length=35)
    channel: str = Field(default="web", pattern=r"^[a-z][a-z0-9_-]{0,31}$")
    customer_ref: str | None = Field(default=None, min_length=1, max_length=200)
    customer_signature: str | None = Field(default=None, max_length=200)


class ConversationOut(BaseModel):
    id: str
    owner: str
    language: str | None
    channel: str
    agent_id: str | None
    last_seq: int
    created_at: datetime

    @classmethod
    def of(cls, conversation: Conversation) -> ConversationOut:
        return cls(
            id=conversation.id,
            owner=conversation.owner.value,
            language=conversation.language,
            channel=conversation.channel,
            agent_id=conversation.agent_id,
            last_seq=conversation.last_seq,
            created_at=conversation.created_at,
        )


class StartedConversationOut(BaseModel):
    conversation: ConversationOut
    token: str = Field(description="Send as `Authorization: Bearer <token>` on this conversation.")
    verified: bool


class MessageIn(BaseModel):
    text: str = Field(max_length=20_000)


class EventOut(BaseModel):
    id: str
    seq: int
    kind: str
    source: str
    text: str | None
    data: dict[str, Any]
    caused_by: str | None
    created_at: datetime

    @classmethod
    def of(cls, event: Event) -> EventOut:
        return cls(
            id=event.id,
            seq=event.seq,
            kind=event.kind.value,
            source=event.source.value,
            text=event.text,
            data=event.data,
            caused_by=event.caused_by,
            created_at=event.created_at,
        )


class MessageReceiptOut(BaseModel):
    """The stored message and the answers it caused; a replayed key returns the same body."""

    message: EventOut
    replies: list[EventOut]


class EventsOut(BaseModel):
    events: list[EventOut]
    cursor: int = Field(description="Pass back as `after` to read what comes next.")
