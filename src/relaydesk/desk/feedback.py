"""Customer feedback: one satisfaction rating (CSAT) for each time a conversation closes."""

from __future__ import annotations

from relaydesk.bus.base import EventBus, notify_changed
from relaydesk.domain.errors import Conflict, InvalidInput
from relaydesk.domain.model import ConversationId, Event, Owner
from relaydesk.domain.payloads import CsatRated, OwnerChanged
from relaydesk.store.conversations import ConversationStore, DuplicateKey

MIN_SCORE, MAX_SCORE = 1, 5
MAX_COMMENT_CHARS = 2000
# A closed conversation ends with its close; only events after it (a rating, notes) follow, so a
# short look back always finds it.
CLOSE_LOOKBACK = 200


class FeedbackDesk:
    def __init__(self, store: ConversationStore, bus: EventBus) -> None:
        self.store = store
        self.bus = bus

    def rate_conversation(
        self, conversation_id: ConversationId, score: int, comment: str | None
    ) -> CsatRated:
        """Record the customer's 1-5 rating of a closed conversation, once per close."""
        if not MIN_SCORE <= score <= MAX_SCORE:
            raise InvalidInput(f"A rating is a whole number from {MIN_SCORE} to {MAX_SCORE}.")
        cleaned = _clean_comment(comment)
        conversation = self.store.get_conversation(conversation_id)
        if conversation.owner is not Owner.CLOSED:
            raise Conflict("A conversation can be rated once it has closed.")
        found = self._last_close(conversation_id, conversation.last_seq)
        if found is None:
            raise Conflict("A conversation can be rated once it has closed.")
        close, closed = found
        rating = CsatRated(score, cleaned, close_seq=close.seq, closed_from=closed.before)
        try:
            self.store.append(conversation_id, [rating.event()], idempotency_key=f"csat:{close.id}")
        except DuplicateKey as error:
            raise Conflict("This conversation has already been rated.") from error
        notify_changed(self.bus, conversation_id)
        return rating

    def _last_close(
        self, conversation_id: ConversationId, last_seq: int
    ) -> tuple[Event, OwnerChanged] | None:
        recent = self.store.events_after(
            conversation_id, max(0, last_seq - CLOSE_LOOKBACK), CLOSE_LOOKBACK + 1
        )
        closes = [
            (event, change)
            for event in recent
            if (change := OwnerChanged.of(event)) is not None and change.after is Owner.CLOSED
        ]
        return closes[-1] if closes else None


def _clean_comment(comment: str | None) -> str | None:
    if comment is None:
        return None
    cleaned = "".join(ch for ch in comment if ch.isprintable() or ch in "\n\t").strip()
    if len(cleaned) > MAX_COMMENT_CHARS:
        raise InvalidInput(f"A comment is at most {MAX_COMMENT_CHARS} characters.")
    return cleaned or None
