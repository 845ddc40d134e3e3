"""What stored transcripts keep: the operator chooses how much personal data stays.

`mask_sensitive` (the default) masks card numbers, IBANs and national ids in every event's
text and data before it is written (no conversation needs them), and emails and phone
numbers when the conversation closes: while it is open the customer reads back what they
typed and flows carry an email from one message to the next (an email change, identity
checks); what is kept afterwards has no originals. `keep_contacts` never masks emails and
phone numbers, `mask_all` masks them before writing too (flows that carry one between
messages then ask again or hand over), and `keep` stores what was said.

A conversation's email rows (addresses, subjects, bodies, attachments) are written as they
arrive and masked when it closes, with every kind the policy masks, in the close's own
transaction (relaydesk.channels.email.privacy.mask_email_data); so are the payloads of its
webhook deliveries already delivered or given up (relaydesk.webhooks.privacy), a delivery
still waiting being sent as written and masked once delivered or given up.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from typing import Any, Literal

from sqlalchemy import Connection, Engine, select, update

from relaydesk.channels.email.privacy import mask_email_data
from relaydesk.domain.model import ConversationId, Event, NewEvent
from relaydesk.security.pii import ALL_KINDS, SENSITIVE_KINDS, Kind, mask_data, mask_text
from relaydesk.store.conversations import ConversationStore, StoredMessage
from relaydesk.store.tables import events
from relaydesk.webhooks.privacy import mask_settled_payloads

TranscriptPolicy = Literal["mask_sensitive", "keep_contacts", "mask_all", "keep"]
CONTACT_KINDS: frozenset[Kind] = ALL_KINDS - SENSITIVE_KINDS
# (masked before writing, masked when the conversation closes)
KINDS_BY_POLICY: dict[str, tuple[frozenset[Kind], frozenset[Kind]]] = {
    "mask_sensitive": (SENSITIVE_KINDS, CONTACT_KINDS),
    "keep_contacts": (SENSITIVE_KINDS, frozenset()),
    "mask_all": (ALL_KINDS, frozenset()),
    "keep": (frozenset(), frozenset()),
}


def masked_on_close(policy: str) -> frozenset[Kind]:
    """What a closed conversation keeps masked under the policy: its email rows and webhook
    payloads get all of it."""
    kinds, on_close = KINDS_BY_POLICY[policy]
    return kinds | on_close


class MaskingConversationStore(ConversationStore):
    """The conversation store, masking personal data of the chosen kinds before each append,
    and, in the transaction that closes a conversation, `on_close` kinds in its events and
    both in its email rows and settled webhook payloads."""

    def __init__(
        self, engine: Engine, kinds: frozenset[Kind], on_close: frozenset[Kind] = frozenset()
    ) -> None:
        super().__init__(engine)
        self.kinds = kinds
        self.on_close = on_close - kinds
        self.close_hooks.append(self._mask_closed)

    def append(
        self, conversation_id: ConversationId, new_events: Sequence[NewEvent], **options: Any
    ) -> list[Event]:
        masked = [self._masked(event) for event in new_events]
        return super().append(conversation_id, masked, **options)

    def append_customer_message(
        self, conversation_id: ConversationId, message: NewEvent, *args: Any, **options: Any
    ) -> StoredMessage | None:
        return super().append_customer_message(
            conversation_id, self._masked(message), *args, **options
        )

    def redact(self, conversation_id: ConversationId, kinds: frozenset[Kind]) -> int:
        """Mask `kinds` in the text and data of the conversation's events; how many changed."""
        with self.engine.begin() as conn:
            return _redact_events(conn, conversation_id, kinds)

    def _mask_closed(self, conn: Connection, conversation_id: ConversationId) -> None:
        if self.on_close:
            _redact_events(conn, conversation_id, self.on_close)
        mask_email_data(conn, conversation_id, self.kinds | self.on_close)
        mask_settled_payloads(conn, conversation_id, self.kinds | self.on_close)

    def _masked(self, event: NewEvent) -> NewEvent:
        if not self.kinds:
            return event
        text = mask_text(event.text, self.kinds) if event.text else event.text
        return replace(event, text=text, data=mask_data(event.data, self.kinds))


def _redact_events(
    conn: Connection, conversation_id: ConversationId, kinds: frozenset[Kind]
) -> int:
    changed = 0
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
                update(events).where(events.c.id == event_id).values(text=new_text, data=new_data)
            )
            changed += 1
    return changed


def conversation_store(engine: Engine, policy: str = "mask_sensitive") -> ConversationStore:
    """The store for a transcript policy: `keep` needs no masking at all."""
    kinds, on_close = KINDS_BY_POLICY[policy]
    if not kinds and not on_close:
        return ConversationStore(engine)
    return MaskingConversationStore(engine, kinds, on_close)
