"""What the console's conversation lists need beyond the queue: who waits since when, and why."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import Engine, select

from relaydesk.domain.model import ConversationId, EventKind, Source
from relaydesk.domain.turn_payloads import AssistantTurn
from relaydesk.sql import reading
from relaydesk.store.conversations import _aware
from relaydesk.store.tables import conversations, customers, events, queue_entries

# Signals older than this many events say little about why the customer is here now.
RECENT_EVENTS = 60


@dataclass(frozen=True)
class ConversationFacts:
    """Raw facts about one conversation for a list row; the desk turns them into a row."""

    customer_name: str
    language: str | None
    reason: str | None  # the latest escalation's reason, from its queue entry
    enqueued_at: datetime | None
    customer_messages: list[tuple[int, datetime]] = field(default_factory=list)
    last_agent_message: tuple[int, datetime] | None = None
    turns: list[AssistantTurn] = field(default_factory=list)  # oldest first
    first_message: str = ""
    skill: str | None = None  # the team the latest escalation needs
    opened_at: datetime | None = None  # when the conversation started


class WorklistStore:
    """Read-only queries over conversations, events and queue entries, one round each."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def facts(self, conversation_ids: list[ConversationId]) -> dict[str, ConversationFacts]:
        """Facts for each conversation (missing ones are left out)."""
        if not conversation_ids:
            return {}
        with reading(self.engine) as conn:
            heads = conn.execute(
                select(
                    conversations.c.id,
                    conversations.c.language,
                    conversations.c.last_seq,
                    conversations.c.created_at,
                    customers.c.display_name,
                )
                .join(customers, customers.c.id == conversations.c.customer_id)
                .where(conversations.c.id.in_(conversation_ids))
            ).all()
            entries = conn.execute(
                select(
                    queue_entries.c.conversation_id,
                    queue_entries.c.reason,
                    queue_entries.c.enqueued_at,
                    queue_entries.c.skill,
                )
                .where(queue_entries.c.conversation_id.in_(conversation_ids))
                .order_by(queue_entries.c.enqueued_at)
            ).all()
            rows = conn.execute(
                select(
                    events.c.conversation_id,
                    events.c.seq,
                    events.c.kind,
                    events.c.source,
                    events.c.text,
                    events.c.data,
                    events.c.created_at,
                )
                .join(conversations, conversations.c.id == events.c.conversation_id)
                .where(
                    events.c.conversation_id.in_(conversation_ids),
                    events.c.kind.in_([EventKind.MESSAGE.value, EventKind.ASSISTANT_TURN.value]),
                    events.c.seq > conversations.c.last_seq - RECENT_EVENTS,
                )
                .order_by(events.c.conversation_id, events.c.seq)
            ).all()
        latest_entry = {row.conversation_id: row for row in entries}  # ordered: last wins
        by_conversation: dict[str, list[Any]] = defaultdict(list)
        for row in rows:
            by_conversation[row.conversation_id].append(row)
        return {
            head.id: _facts(head, latest_entry.get(head.id), by_conversation[head.id])
            for head in heads
        }


def _facts(head: Any, entry: Any, rows: list[Any]) -> ConversationFacts:
    turns: list[AssistantTurn] = []
    said: list[tuple[int, datetime]] = []
    answered: tuple[int, datetime] | None = None
    first_message = ""
    for row in rows:
        moment = _aware(row.created_at)
        if row.kind == EventKind.ASSISTANT_TURN.value:
            turns.append(AssistantTurn.read(row.data or {}))
        elif row.kind == EventKind.MESSAGE.value and row.source == Source.CUSTOMER.value:
            first_message = first_message or (row.text or "")[:200]
            said.append((row.seq, moment))
        elif row.kind == EventKind.MESSAGE.value and row.source == Source.AGENT.value:
            answered = (row.seq, moment)
    return ConversationFacts(
        customer_name=head.display_name,
        language=head.language,
        reason=entry.reason if entry is not None else None,
        enqueued_at=_aware(entry.enqueued_at) if entry is not None else None,
        customer_messages=said,
        last_agent_message=answered,
        turns=turns,
        first_message=first_message,
        skill=entry.skill if entry is not None else None,
        opened_at=_aware(head.created_at),
    )
