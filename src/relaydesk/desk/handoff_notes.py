"""The model's hand-off note, kept as an event: every call and its outcome are on record.

A note is written for the conversation as it stood (`through_seq`); an agent who opens the
conversation again before anything new happened reads the stored note instead of waiting for
the model a second time.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from relaydesk.domain.model import Event, EventKind, NewEvent, Source

NOTE_KEY = "handoff_note"


@dataclass(frozen=True)
class StoredNote:
    summary: str | None
    suggested_replies: list[str] = field(default_factory=list)


def is_note_event(event: Event) -> bool:
    return event.kind is EventKind.SIGNAL and NOTE_KEY in event.data


def conversation_seq(events: Sequence[Event]) -> int:
    """The newest seq among the events a note is written from (notes themselves excluded)."""
    return max((e.seq for e in events if not is_note_event(e)), default=0)


def stored_note(events: Sequence[Event]) -> StoredNote | None:
    """The newest note, if it was written for the conversation as it stands now.

    A call that found the model unavailable is tried again on the next opening.
    """
    notes = [e for e in events if is_note_event(e)]
    if not notes or notes[-1].data.get("through_seq") != conversation_seq(events):
        return None
    records = notes[-1].data.get("llm") or [{}]
    if records[0].get("outcome") == "unavailable":
        return None
    written = notes[-1].data[NOTE_KEY]
    replies = written.get("replies") if isinstance(written, dict) else None
    return StoredNote(
        summary=written.get("summary") if isinstance(written, dict) else None,
        suggested_replies=[str(r) for r in replies] if isinstance(replies, list) else [],
    )


def note_event(
    summary: str | None, replies: Sequence[str], record: dict[str, Any], through_seq: int
) -> NewEvent:
    """A system signal with the model call's record (outcome, reason, latency, tokens)."""
    return NewEvent(
        EventKind.SIGNAL,
        Source.SYSTEM,
        data={
            NOTE_KEY: {"summary": summary, "replies": list(replies)},
            "llm": [record],
            "through_seq": through_seq,
        },
    )
