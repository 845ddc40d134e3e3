"""What stored transcripts keep: the operator chooses how much personal data stays.

`mask_sensitive` (the default) masks card numbers, IBANs and national ids in every event's
text and data before it is written: no conversation needs them, and the assistant still
reads order numbers, emails and phone numbers it works with. `mask_all` masks emails and
phone numbers too, at the cost of flows that carry an email from one message to the next
(an email change, identity checks split over two messages): those then ask again or hand
over. `keep` stores what was said.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from typing import Any, Literal

from sqlalchemy import Engine

from relaydesk.domain.model import ConversationId, Event, NewEvent
from relaydesk.security.pii import ALL_KINDS, SENSITIVE_KINDS, Kind, mask_data, mask_text
from relaydesk.store.conversations import ConversationStore

TranscriptPolicy = Literal["mask_sensitive", "mask_all", "keep"]
KINDS_BY_POLICY: dict[str, frozenset[Kind]] = {
    "mask_sensitive": SENSITIVE_KINDS,
    "mask_all": ALL_KINDS,
    "keep": frozenset(),
}


class MaskingConversationStore(ConversationStore):
    """The conversation store, masking personal data of the chosen kinds before each append."""

    def __init__(self, engine: Engine, kinds: frozenset[Kind]) -> None:
        super().__init__(engine)
        self.kinds = kinds

    def append(
        self, conversation_id: ConversationId, new_events: Sequence[NewEvent], **options: Any
    ) -> list[Event]:
        masked = [self._masked(event) for event in new_events]
        return super().append(conversation_id, masked, **options)

    def _masked(self, event: NewEvent) -> NewEvent:
        text = mask_text(event.text, self.kinds) if event.text else event.text
        return replace(event, text=text, data=mask_data(event.data, self.kinds))


def conversation_store(engine: Engine, policy: str = "mask_sensitive") -> ConversationStore:
    """The store for a transcript policy: `keep` needs no masking at all."""
    kinds = KINDS_BY_POLICY[policy]
    return MaskingConversationStore(engine, kinds) if kinds else ConversationStore(engine)
