"""Payloads of the assistant's own bookkeeping: what it understood of each turn (with the memory
the next turn starts from), and the one-time keys its turns consumed."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from relaydesk.domain.model import Event, EventId, EventKind, NewEvent, Source
from relaydesk.domain.payload_fields import number, records, text

DIALOGUE_KEY = "dialogue"


@dataclass(frozen=True)
class AssistantTurn:
    """What an assistant_turn event says: the turn's understanding, its model calls and the
    dialogue state the next turn reads back (assistant.dialogue.DialogueState, as JSON)."""

    intent: str | None = None
    confidence: float | None = None
    out_of_scope: bool = False
    frustration: float = 0.0
    language: str | None = None
    entities: tuple[tuple[str, Any], ...] = ()  # (kind, value), in the order found
    guard_problems: tuple[str, ...] = ()
    unanswered: bool = False  # the assistant said it had no answer
    calls: list[dict[str, Any]] = field(default_factory=list)  # the turn's model calls
    dialogue: dict[str, Any] | None = None
    turn_ms: float | None = None  # added once the turn is timed

    @classmethod
    def of(cls, event: Event) -> AssistantTurn | None:
        """The payload of an assistant_turn event; None for an event of any other kind."""
        if event.kind is not EventKind.ASSISTANT_TURN:
            return None
        return cls.read(event.data)

    @classmethod
    def read(cls, data: dict[str, Any]) -> AssistantTurn:
        """The turn in a stored payload (a row read without its event, in analytics)."""
        problems = data.get("guard_problems")
        dialogue = data.get(DIALOGUE_KEY)
        return cls(
            intent=text(data.get("intent")),
            confidence=number(data.get("confidence")),
            out_of_scope=bool(data.get("out_of_scope")),
            frustration=number(data.get("frustration")) or 0.0,
            language=text(data.get("language")),
            entities=_entities(data.get("entities")),
            guard_problems=tuple(str(p) for p in problems) if isinstance(problems, list) else (),
            unanswered=bool(data.get("unanswered")),
            calls=records(data.get("llm")),
            dialogue=dict(dialogue) if isinstance(dialogue, dict) else None,
            turn_ms=number(data.get("turn_ms")),
        )

    @property
    def sure(self) -> float:
        """The confidence, 0 when none was recorded."""
        return self.confidence or 0.0

    @property
    def found(self) -> dict[str, Any]:
        """The entities as {kind: value}; a kind found twice keeps its later value."""
        return dict(self.entities)

    def named_intent(self) -> str | None:
        """The intent, unless the message was out of the assistant's scope."""
        return None if self.out_of_scope else self.intent

    def event(self) -> NewEvent:
        data: dict[str, Any] = {
            "intent": self.intent,
            "confidence": self.confidence,
            "out_of_scope": self.out_of_scope,
            "frustration": self.frustration,
            "language": self.language,
            "entities": [{"kind": kind, "value": value} for kind, value in self.entities],
            "guard_problems": list(self.guard_problems),
            **({"unanswered": True} if self.unanswered else {}),
            **({"llm": list(self.calls)} if self.calls else {}),
            **({DIALOGUE_KEY: self.dialogue} if self.dialogue is not None else {}),
        }
        return NewEvent(EventKind.ASSISTANT_TURN, Source.ASSISTANT, data=data)


def _entities(raw: Any) -> tuple[tuple[str, Any], ...]:
    """Entities stored as [{kind, value}, ...] (or, by older writers, as a mapping)."""
    if isinstance(raw, dict):
        return tuple((str(kind), value) for kind, value in raw.items())
    if isinstance(raw, list):
        return tuple(
            (str(item["kind"]), item.get("value"))
            for item in raw
            if isinstance(item, dict) and item.get("kind")
        )
    return ()


def turn_latency_ms(event: Event) -> float | None:
    """The turn's latency, recorded on its first event (an assistant turn, or the reply of an
    assistant that keeps no turn record)."""
    return number(event.data.get("turn_ms")) if event.source is Source.ASSISTANT else None


@dataclass(frozen=True)
class KeyClaimed:
    """What a key_claimed event says: a one-time key consumed, and by which message's turn."""

    key: str
    by_message: EventId | None = None

    @classmethod
    def of(cls, event: Event) -> KeyClaimed | None:
        if event.kind is not EventKind.KEY_CLAIMED:
            return None
        key = text(event.data.get("claimed"))
        if key is None:
            return None
        by_message = text(event.data.get("by_message"))
        return cls(key, EventId(by_message) if by_message else None)

    def event(self) -> NewEvent:
        data = {"claimed": self.key, "by_message": self.by_message}
        return NewEvent(EventKind.KEY_CLAIMED, Source.SYSTEM, data=data)
