"""A customer's email data under their privacy rights: exported with the rest, erased with
the rest (called by relaydesk.security.privacy inside its transaction)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, delete, select, update

from relaydesk.store.tables import (
    email_attachments,
    email_threads,
    inbound_emails,
    outbox_emails,
    webhook_deliveries,
)

ERASED = "[erased]"
# Said or written by a person: never kept in a delivery's payload after erasure.
PERSONAL_PAYLOAD_KEYS = frozenset({"text", "comment", "agent_name"})


def export_email_data(conn: Connection, conversation_ids: list[str]) -> dict[str, Any]:
    """Threads, received and sent emails, and attachment names (not their bytes)."""

    def rows(table: Any, *columns: Any) -> list[dict[str, Any]]:
        query = select(*columns).where(table.c.conversation_id.in_(conversation_ids))
        return [
            {key: _plain(value) for key, value in row._mapping.items()}
            for row in conn.execute(query)
        ]

    return {
        "threads": rows(email_threads, email_threads),
        "received": rows(inbound_emails, inbound_emails),
        "sent": rows(
            outbox_emails,
            *(c for c in outbox_emails.c if c.name not in {"headers"}),
        ),
        "attachments": rows(
            email_attachments,
            email_attachments.c.id,
            email_attachments.c.filename,
            email_attachments.c.content_type,
            email_attachments.c.size,
        ),
    }


def erase_email_data(conn: Connection, conversation_ids: list[str]) -> int:
    """Addresses, subjects, bodies and attachments go; unsent emails are never sent."""
    if not conversation_ids:
        return 0
    mine = outbox_emails.c.conversation_id.in_(conversation_ids)
    conn.execute(
        update(outbox_emails)
        .where(mine, outbox_emails.c.status.in_(("queued", "sending")))
        .values(status="failed", last_error="The customer's data was erased.")
    )
    changed = conn.execute(
        update(outbox_emails).where(mine).values(recipient=ERASED, subject=ERASED, body_text=ERASED)
    ).rowcount
    conn.execute(
        update(email_threads)
        .where(email_threads.c.conversation_id.in_(conversation_ids))
        .values(address=ERASED, subject=ERASED)
    )
    conn.execute(
        update(inbound_emails)
        .where(inbound_emails.c.conversation_id.in_(conversation_ids))
        .values(sender=ERASED, subject=ERASED)
    )
    conn.execute(
        delete(email_attachments).where(email_attachments.c.conversation_id.in_(conversation_ids))
    )
    _erase_webhook_payloads(conn, conversation_ids)
    return int(changed or 0)


def _erase_webhook_payloads(conn: Connection, conversation_ids: list[str]) -> None:
    rows = conn.execute(
        select(webhook_deliveries.c.id, webhook_deliveries.c.payload).where(
            webhook_deliveries.c.conversation_id.in_(conversation_ids)
        )
    ).all()
    for delivery_id, payload in rows:
        data = {
            key: value
            for key, value in dict(payload.get("data") or {}).items()
            if key not in PERSONAL_PAYLOAD_KEYS
        }
        conn.execute(
            update(webhook_deliveries)
            .where(webhook_deliveries.c.id == delivery_id)
            .values(payload={**payload, "data": data})
        )


def _plain(value: Any) -> Any:
    return value.isoformat() if hasattr(value, "isoformat") else value
