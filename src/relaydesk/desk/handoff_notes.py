"""The model's hand-off note, kept as an event: every call and its outcome are on record.

A note is written for the conversation as it stood (`through_seq`); an agent who opens the
conversation again before anything new happened reads the stored note instead of waiting for
the model a second time.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from relaydesk.domain.model import Event, EventKind, NewEvent
from relaydesk.domain.model_notes import HandoffNoted


@dataclass(frozen=True)
class StoredNote:
    summary: str | None
    suggested_replies: list[str] = field(default_factory=list)


def is_note_event(event: Event) -> bool:
    return event.kind is EventKind.HANDOFF_NOTE


def conversation_seq(events: Sequence[Event]) -> int:
    """The newest seq among the events a note is written from (notes themselves excluded)."""
    return max((e.seq for e in events if not is_note_event(e)), default=0)


def stored_note(events: Sequence[Event]) -> StoredNote | None:
    """The newest note, if it was written for the conversation as it stands now.

    A call that found the model unavailable is tried again on the next opening.
    """
    notes = [noted for e in events if (noted := HandoffNoted.of(e)) is not None]
    if not notes or notes[-1].through_seq != conversation_seq(events):
        return None
    if notes[-1].outcome == "unavailable":
        return None
    return StoredNote(summary=notes[-1].summary, suggested_replies=notes[-1].replies)


def note_event(
    summary: str | None, replies: Sequence[str], record: dict[str, Any], through_seq: int
) -> NewEvent:
    """A system event with the note and the model call's record (outcome, reason, latency,
    tokens)."""
    return HandoffNoted(summary, list(replies), through_seq, [record]).event()
