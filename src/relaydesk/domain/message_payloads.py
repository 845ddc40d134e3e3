"""Payloads of what was said and done in words: a message's reply key, quick-reply choices,
who wrote it and in which language; a customer's request for a follow-up by email; a tool
call as it was asked for."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from relaydesk.domain.model import Event, EventKind, NewEvent, Source
from relaydesk.domain.payload_fields import mapping, text


@dataclass(frozen=True)
class Choice:
    """A quick reply offered with a message: the label shown and the value it stands for."""

    label: str | None
    value: str | None


@dataclass(frozen=True)
class WrittenAs:
    """What an agent wrote before their reply was translated for the customer."""

    text: str | None
    language: str | None


@dataclass(frozen=True)
class MessageSaid:
    """What a message event's payload says beyond its text."""

    reply_key: str | None = None  # the catalog key an assistant reply was said from
    choices: tuple[Choice, ...] = ()
    agent_name: str | None = None  # the person who wrote it, as the customer sees them
    generated_by: str | None = None  # "llm" when the optional model phrased it
    original: WrittenAs | None = None  # an agent's reply before translation
    translation_failed: str | None = None  # why an agent's reply was sent as written

    @classmethod
    def of(cls, event: Event) -> MessageSaid | None:
        """The payload of a message event; None for an event of any other kind."""
        if event.kind is not EventKind.MESSAGE:
            return None
        return cls.read(event.data)

    @classmethod
    def read(cls, data: dict[str, Any]) -> MessageSaid:
        """The message in a stored payload (a row read without its event, in analytics)."""
        choices = data.get("choices")
        original = data.get("original")
        return cls(
            reply_key=text(data.get("reply_key")),
            choices=tuple(
                Choice(text(c.get("label")), text(c.get("value")))
                for c in (choices if isinstance(choices, list) else [])
                if isinstance(c, dict)
            ),
            agent_name=text(data.get("agent_name")),
            generated_by=text(data.get("generated_by")),
            original=(
                WrittenAs(text(original.get("text")), text(original.get("language")))
                if isinstance(original, dict)
                else None
            ),
            translation_failed=text(data.get("translation_failed")),
        )


@dataclass(frozen=True)
class FollowUpAsked:
    """What a customer's follow-up note says: the address a person should write back to."""

    email: str

    @classmethod
    def of(cls, event: Event) -> FollowUpAsked | None:
        """The payload of a customer's follow-up note; None for any other event."""
        if event.kind is not EventKind.NOTE:
            return None
        email = text(event.data.get("follow_up_email"))
        return cls(email) if email is not None and "@" in email else None

    def event(self, said: str) -> NewEvent:
        data = {"follow_up_email": self.email}
        return NewEvent(EventKind.NOTE, Source.CUSTOMER, text=said, data=data)


@dataclass(frozen=True)
class ToolCalled:
    """What a tool_call event says: the tool asked for and its parameters; `check` when only
    its policy was asked (the call was refused before running)."""

    tool: str
    params: dict[str, Any] = field(default_factory=dict)
    check: bool = False

    @classmethod
    def of(cls, event: Event) -> ToolCalled | None:
        """The payload of a tool_call event; None for an event of any other kind."""
        if event.kind is not EventKind.TOOL_CALL:
            return None
        data = event.data
        return cls(
            tool=text(data.get("tool")) or "?",
            params=mapping(data.get("params")),
            check=bool(data.get("check")),
        )

    def data(self) -> dict[str, Any]:
        return {"tool": self.tool, "params": self.params, **({"check": True} if self.check else {})}

    def event(self, source: Source, actor_id: str | None = None) -> NewEvent:
        return NewEvent(EventKind.TOOL_CALL, source, data=self.data(), actor_id=actor_id)
