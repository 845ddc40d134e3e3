"""The queue of conversations waiting for a person, and its history (for expected waits)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Engine, Row, and_, func, insert, select, update
from sqlalchemy.exc import IntegrityError

from relaydesk.domain.agents import QueueEntry
from relaydesk.domain.model import AgentId, ConversationId, Event, EventKind, Owner, Source
from relaydesk.sql import reading
from relaydesk.store.conversations import _aware, _to_event, new_id
from relaydesk.store.tables import conversations, customers, events, queue_entries

_WAITING = and_(queue_entries.c.assigned_at.is_(None), queue_entries.c.left_at.is_(None))


def _to_entry(row: Row[Any]) -> QueueEntry:
    return QueueEntry(
        conversation_id=ConversationId(row.conversation_id),
        priority=row.priority,
        reason=row.reason,
        skill=row.skill,
        language=row.language,
        enqueued_at=_aware(row.enqueued_at),
        version=row.version,
    )


class QueueStore:
    """Repository for queue entries; every method is one transaction."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def enqueue(self, entry: QueueEntry) -> bool:
        """Add the entry; False if this escalation (conversation and version) is queued already."""
        try:
            with self.engine.begin() as conn:
                conn.execute(
                    insert(queue_entries).values(
                        id=new_id("que"),
                        conversation_id=entry.conversation_id,
                        version=entry.version,
                        priority=entry.priority,
                        reason=entry.reason,
                        skill=entry.skill,
                        language=entry.language,
                        enqueued_at=entry.enqueued_at,
                    )
                )
        except IntegrityError:
            return False
        return True

    def waiting(self, limit: int = 200) -> list[QueueEntry]:
        """Entries still waiting, most urgent first, then longest waiting."""
        with reading(self.engine) as conn:
            rows = conn.execute(
                select(queue_entries)
                .join(conversations, conversations.c.id == queue_entries.c.conversation_id)
                .where(_WAITING, conversations.c.owner == Owner.QUEUED.value)
                .order_by(queue_entries.c.priority.desc(), queue_entries.c.enqueued_at)
                .limit(limit)
            ).all()
        return [_to_entry(row) for row in rows]

    def entry_for(self, conversation_id: ConversationId) -> QueueEntry | None:
        """The newest entry of this conversation that still waits, if any."""
        with reading(self.engine) as conn:
            row = conn.execute(
                select(queue_entries)
                .where(queue_entries.c.conversation_id == conversation_id, _WAITING)
                .order_by(queue_entries.c.version.desc())
            ).first()
        return _to_entry(row) if row is not None else None

    def mark_assigned(
        self, conversation_id: ConversationId, agent_id: AgentId, now: datetime
    ) -> None:
        with self.engine.begin() as conn:
            conn.execute(
                update(queue_entries)
                .where(queue_entries.c.conversation_id == conversation_id, _WAITING)
                .values(assigned_at=now, assigned_to=agent_id)
            )

    def mark_left(self, conversation_id: ConversationId, now: datetime) -> None:
        """The conversation left the queue without a person (handed back or closed)."""
        with self.engine.begin() as conn:
            conn.execute(
                update(queue_entries)
                .where(queue_entries.c.conversation_id == conversation_id, _WAITING)
                .values(left_at=now)
            )

    def leave_follow_up(self, conversation_id: ConversationId, email: str) -> bool:
        with self.engine.begin() as conn:
            result = conn.execute(
                update(queue_entries)
                .where(queue_entries.c.conversation_id == conversation_id, _WAITING)
                .values(follow_up_email=email)
            )
        return result.rowcount > 0

    def follow_up_emails(self, conversation_ids: list[ConversationId]) -> dict[str, str]:
        """The email each conversation's newest queue entry was left, where one was."""
        if not conversation_ids:
            return {}
        with reading(self.engine) as conn:
            rows = conn.execute(
                select(queue_entries.c.conversation_id, queue_entries.c.follow_up_email)
                .where(queue_entries.c.conversation_id.in_(conversation_ids))
                .order_by(queue_entries.c.version)
            ).all()
        newest = {row.conversation_id: row.follow_up_email for row in rows}
        return {cid: email for cid, email in newest.items() if email}

    def unqueued_escalations(self, limit: int = 100) -> list[tuple[ConversationId, int]]:
        """Queued conversations (id, version) without a waiting entry for their escalation."""
        entry = queue_entries.alias("entry")
        with reading(self.engine) as conn:
            rows = conn.execute(
                select(conversations.c.id, conversations.c.version)
                .outerjoin(
                    entry,
                    and_(
                        entry.c.conversation_id == conversations.c.id,
                        entry.c.version == conversations.c.version,
                    ),
                )
                .where(conversations.c.owner == Owner.QUEUED.value, entry.c.id.is_(None))
                .limit(limit)
            ).all()
        return [(ConversationId(row.id), row.version) for row in rows]

    def previews(self, conversation_ids: list[ConversationId]) -> dict[str, tuple[str, str]]:
        """Customer name and first message of each conversation, so agents know what it is."""
        if not conversation_ids:
            return {}
        first = (
            select(events.c.conversation_id, func.min(events.c.seq).label("seq"))
            .where(
                events.c.conversation_id.in_(conversation_ids),
                events.c.kind == EventKind.MESSAGE.value,
                events.c.source == Source.CUSTOMER.value,
            )
            .group_by(events.c.conversation_id)
            .subquery()
        )
        with reading(self.engine) as conn:
            rows = conn.execute(
                select(conversations.c.id, customers.c.display_name, events.c.text)
                .join(customers, customers.c.id == conversations.c.customer_id)
                .outerjoin(first, first.c.conversation_id == conversations.c.id)
                .outerjoin(
                    events,
                    (events.c.conversation_id == first.c.conversation_id)
                    & (events.c.seq == first.c.seq),
                )
                .where(conversations.c.id.in_(conversation_ids))
            ).all()
        return {row.id: (row.display_name, (row.text or "")[:200]) for row in rows}

    def latest_events(
        self, conversation_id: ConversationId, kinds: tuple[EventKind, ...], limit: int
    ) -> list[Event]:
        """The newest events of these kinds, newest first (the escalation, recent turns)."""
        with reading(self.engine) as conn:
            rows = conn.execute(
                select(events)
                .where(
                    events.c.conversation_id == conversation_id,
                    events.c.kind.in_([kind.value for kind in kinds]),
                )
                .order_by(events.c.seq.desc())
                .limit(limit)
            ).all()
        return [_to_event(row._mapping) for row in rows]
