"""Personal data in stored webhook payloads once their conversation closes.

The transcript policy masks a closed conversation's deliveries as it masks its events: those
already delivered or given up in the close's transaction (relaydesk.security.transcripts),
one still queued or being sent when it is delivered or given up (WebhookStore), so the
operator's endpoint receives each event as it happened.
"""

from __future__ import annotations

from sqlalchemy import ColumnElement, Connection, select, update

from relaydesk.security.pii import Kind, mask_data
from relaydesk.store.tables import webhook_deliveries

SETTLED = ("delivered", "failed")


def mask_settled_payloads(conn: Connection, conversation_id: str, kinds: frozenset[Kind]) -> None:
    """Mask `kinds` in the payloads of the conversation's deliveries delivered or given up."""
    _mask_payloads(conn, webhook_deliveries.c.conversation_id == conversation_id, kinds)


def mask_settled_payload(conn: Connection, delivery_id: str, kinds: frozenset[Kind]) -> None:
    """Mask a delivery delivered or given up after its conversation closed."""
    _mask_payloads(conn, webhook_deliveries.c.id == delivery_id, kinds)


def _mask_payloads(conn: Connection, where: ColumnElement[bool], kinds: frozenset[Kind]) -> None:
    if not kinds:
        return
    settled = webhook_deliveries.c.status.in_(SETTLED)
    rows = conn.execute(
        select(webhook_deliveries.c.id, webhook_deliveries.c.payload).where(where, settled)
    ).all()
    for delivery_id, payload in rows:
        # Only the event's data: ids, type and time say nothing about a person.
        data = payload.get("data") or {}
        masked = mask_data(data, kinds)
        if masked != data:
            conn.execute(
                update(webhook_deliveries)
                .where(webhook_deliveries.c.id == delivery_id, settled)
                .values(payload={**payload, "data": masked})
            )
