"""The append hook that queues webhook deliveries in the same transaction as the events."""

from __future__ import annotations

import time
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, insert, select

from relaydesk.domain.model import Event, NewEvent
from relaydesk.store.tables import conversations, webhook_deliveries, webhook_endpoints
from relaydesk.webhooks.events import event_data, webhook_type

# Endpoints are read at most this often per process; registering through the API refreshes.
ENDPOINTS_TTL_S = 2.0


@dataclass(frozen=True)
class _Subscriber:
    id: str
    event_types: frozenset[str]


class WebhookQueue:
    def __init__(self) -> None:
        self._subscribers: list[_Subscriber] = []
        self._read_at = float("-inf")

    def refresh(self) -> None:
        self._read_at = float("-inf")

    def writes_nothing_for(self, new_events: Sequence[NewEvent]) -> bool:
        """Known beforehand only while the endpoints read last are fresh and none is active;
        once they are stale the next append runs this hook and reads them again."""
        return not self._subscribers and not self._stale()

    def __call__(self, conn: Connection, events: Sequence[Event]) -> None:
        subscribers = self._active(conn)
        if not subscribers or not events:
            return
        happenings = self._happenings(conn, events)
        rows = [
            _delivery_row(subscriber.id, event, position, kind, data)
            for event, position, kind, data in happenings
            for subscriber in subscribers
            if kind in subscriber.event_types
        ]
        if rows:
            conn.execute(insert(webhook_deliveries), rows)

    def _happenings(
        self, conn: Connection, events: Sequence[Event]
    ) -> list[tuple[Event, int, str, dict[str, Any]]]:
        found = []
        for event in events:
            if event.seq == 1:  # the conversation's first event: it has started
                found.append((event, 2, "conversation.started", _started(conn, event)))
            kind = webhook_type(event)
            if kind is not None:
                found.append((event, event.seq * 2 + 1, kind, event_data(kind, event)))
        return found

    def _active(self, conn: Connection) -> list[_Subscriber]:
        if self._stale():
            rows = conn.execute(
                select(webhook_endpoints.c.id, webhook_endpoints.c.event_types).where(
                    webhook_endpoints.c.active.is_(True)
                )
            ).all()
            self._subscribers = [_Subscriber(row.id, frozenset(row.event_types)) for row in rows]
            self._read_at = time.monotonic()
        return self._subscribers

    def _stale(self) -> bool:
        return time.monotonic() - self._read_at > ENDPOINTS_TTL_S


def _started(conn: Connection, event: Event) -> dict[str, Any]:
    row = conn.execute(
        select(
            conversations.c.channel, conversations.c.language, conversations.c.customer_id
        ).where(conversations.c.id == event.conversation_id)
    ).one()
    return {"channel": row.channel, "language": row.language, "customer_id": row.customer_id}


def _delivery_row(
    endpoint_id: str, event: Event, position: int, kind: str, data: dict[str, Any]
) -> dict[str, Any]:
    delivery_id = f"dlv_{uuid.uuid4().hex}"
    return {
        "id": delivery_id,
        "endpoint_id": endpoint_id,
        "conversation_id": event.conversation_id,
        "position": position,
        "event_type": kind,
        "payload": {
            "id": delivery_id,
            "type": kind,
            "conversation_id": event.conversation_id,
            "seq": event.seq,
            "occurred_at": event.created_at.isoformat(),
            "data": data,
        },
        "status": "queued",
        "attempts": 0,
        "next_attempt_at": event.created_at,
        "created_at": event.created_at,
    }
