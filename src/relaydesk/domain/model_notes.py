"""Payloads of what the optional language model wrote for agents: a hand-off note and the
translation of a customer's message, each with the record of the model call that wrote it."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from relaydesk.domain.model import Event, EventKind, NewEvent, Source
from relaydesk.domain.payload_fields import mapping, records, text

# The kinds whose payload keeps model-call records (outcome, reason, latency, tokens) under "llm".
MODEL_CALL_KINDS = frozenset(
    {EventKind.ASSISTANT_TURN, EventKind.HANDOFF_NOTE, EventKind.TRANSLATION}
)


def model_calls_of(event: Event) -> list[dict[str, Any]]:
    """The model calls recorded on a turn, a hand-off note or a translation; [] on others."""
    return records(event.data.get("llm")) if event.kind in MODEL_CALL_KINDS else []


def first_outcome(calls: Sequence[dict[str, Any]]) -> str | None:
    """How the (first) model call ended: "ok", "unavailable", "rejected", ..."""
    return text(calls[0].get("outcome")) if calls else None


@dataclass(frozen=True)
class HandoffNoted:
    """What a handoff_note event says: the note, written for the conversation as it stood."""

    summary: str | None
    replies: list[str] = field(default_factory=list)  # suggested replies for the agent
    through_seq: int | None = None  # the newest event the note was written from
    calls: list[dict[str, Any]] = field(default_factory=list)

    @classmethod
    def of(cls, event: Event) -> HandoffNoted | None:
        """The payload of a handoff_note event; None for an event of any other kind."""
        if event.kind is not EventKind.HANDOFF_NOTE:
            return None
        written = mapping(event.data.get("handoff_note"))
        replies = written.get("replies")
        through_seq = event.data.get("through_seq")
        return cls(
            summary=text(written.get("summary")),
            replies=[str(r) for r in replies] if isinstance(replies, list) else [],
            through_seq=through_seq if isinstance(through_seq, int) else None,
            calls=records(event.data.get("llm")),
        )

    @property
    def outcome(self) -> str | None:
        return first_outcome(self.calls)

    def event(self) -> NewEvent:
        data = {
            "handoff_note": {"summary": self.summary, "replies": list(self.replies)},
            "llm": list(self.calls),
            "through_seq": self.through_seq,
        }
        return NewEvent(EventKind.HANDOFF_NOTE, Source.SYSTEM, data=data)


@dataclass(frozen=True)
class Translated:
    """What a translation event says: a customer message in the agent's language."""

    of_seq: int  # the customer message translated
    source_language: str | None
    target_language: str | None
    text: str | None  # None when the model gave no usable translation
    calls: list[dict[str, Any]] = field(default_factory=list)

    @classmethod
    def of(cls, event: Event) -> Translated | None:
        """The payload of a translation event; None for an event of any other kind."""
        if event.kind is not EventKind.TRANSLATION:
            return None
        translation = mapping(event.data.get("translation"))
        of_seq = translation.get("of_seq")
        if not isinstance(of_seq, int):
            return None
        return cls(
            of_seq=of_seq,
            source_language=text(translation.get("from")),
            target_language=text(translation.get("to")),
            text=text(translation.get("text")),
            calls=records(event.data.get("llm")),
        )

    @property
    def outcome(self) -> str | None:
        return first_outcome(self.calls)

    def shown(self) -> dict[str, Any]:
        """As the transcript shows it: the translation's keys as stored, and the outcome."""
        return {**self._stored(), "outcome": self.outcome}

    def _stored(self) -> dict[str, Any]:
        return {
            "of_seq": self.of_seq,
            "from": self.source_language,
            "to": self.target_language,
            "text": self.text,
        }

    def event(self) -> NewEvent:
        data = {"translation": self._stored(), "llm": list(self.calls)}
        return NewEvent(EventKind.TRANSLATION, Source.SYSTEM, data=data)
