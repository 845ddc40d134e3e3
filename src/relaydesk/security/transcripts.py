"""What stored transcripts keep: the operator chooses how much personal data stays.

`mask_sensitive` (the default) masks card numbers, IBANs and national ids in every event's
text and data before it is written (no conversation needs them), and emails and phone
numbers when the conversation closes: while it is open the customer reads back what they
typed and flows carry an email from one message to the next (an email change, identity
checks); what is kept afterwards has no originals. `keep_contacts` never masks emails and
phone numbers, `mask_all` masks them before writing too (flows that carry one between
messages then ask again or hand over), and `keep` stores what was said.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from typing import Any, Literal

from sqlalchemy import Engine, select, update

from relaydesk.domain.model import ConversationId, Event, NewEvent, Owner
from relaydesk.security.pii import ALL_KINDS, SENSITIVE_KINDS, Kind, mask_data, mask_text
from relaydesk.store.conversations import ConversationStore, StoredMessage
from relaydesk.store.tables import events

TranscriptPolicy = Literal["mask_sensitive", "keep_contacts", "mask_all", "keep"]
CONTACT_KINDS: frozenset[Kind] = ALL_KINDS - SENSITIVE_KINDS
# (masked before writing, masked when the conversation closes)
KINDS_BY_POLICY: dict[str, tuple[frozenset[Kind], frozenset[Kind]]] = {
    "mask_sensitive": (SENSITIVE_KINDS, CONTACT_KINDS),
    "keep_contacts": (SENSITIVE_KINDS, frozenset()),
    "mask_all": (ALL_KINDS, frozenset()),
    "keep": (frozenset(), frozenset()),
}


class MaskingConversationStore(ConversationStore):
    """The conversation store, masking personal data of the chosen kinds before each append,
    and of `on_close` kinds in every event of a conversation once it closes."""

    def __init__(
        self, engine: Engine, kinds: frozenset[Kind], on_close: frozenset[Kind] = frozenset()
    ) -> None:
        super().__init__(engine)
        self.kinds = kinds
        self.on_close = on_close - kinds

    def append(
        self, conversation_id: ConversationId, new_events: Sequence[NewEvent], **options: Any
    ) -> list[Event]:
        masked = [self._masked(event) for event in new_events]
        stored = super().append(conversation_id, masked, **options)
        change = options.get("owner_change")
        if self.on_close and change is not None and change[0].after is Owner.CLOSED:
            self.redact(conversation_id, self.on_close)
        return stored

    def append_customer_message(
        self, conversation_id: ConversationId, message: NewEvent, *args: Any, **options: Any
    ) -> StoredMessage | None:
        return super().append_customer_message(
            conversation_id, self._masked(message), *args, **options
        )

    def redact(self, conversation_id: ConversationId, kinds: frozenset[Kind]) -> int:
        """Mask `kinds` in the text and data of the conversation's events; how many changed."""
        changed = 0
        with self.engine.begin() as conn:
            rows = conn.execute(
                select(events.c.id, events.c.text, events.c.data).where(
                    events.c.conversation_id == conversation_id
                )
            ).all()
            for event_id, text, data in rows:
                new_text = mask_text(text, kinds) if text else text
                new_data = mask_data(data, kinds)
                if new_text != text or new_data != data:
                    conn.execute(
                        update(events)
                        .where(events.c.id == event_id)
                        .values(text=new_text, data=new_data)
                    )
                    changed += 1
        return changed

    def _masked(self, event: NewEvent) -> NewEvent:
        if not self.kinds:
            return event
        text = mask_text(event.text, self.kinds) if event.text else event.text
        return replace(event, text=text, data=mask_data(event.data, self.kinds))


def conversation_store(engine: Engine, policy: str = "mask_sensitive") -> ConversationStore:
    """The store for a transcript policy: `keep` needs no masking at all."""
    kinds, on_close = KINDS_BY_POLICY[policy]
    if not kinds and not on_close:
        return ConversationStore(engine)
    return MaskingConversationStore(engine, kinds, on_close)
