"""A customer's email data under their privacy rights: exported with the rest, erased with
the rest (called by relaydesk.security.privacy inside its transaction), and masked with the
transcript when the conversation closes (relaydesk.security.transcripts, in the close's
transaction)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, Connection, Table, delete, select, update

from relaydesk.security.pii import Kind, mask_text
from relaydesk.store.tables import (
    email_attachments,
    email_threads,
    inbound_emails,
    outbox_emails,
    queue_entries,
    webhook_deliveries,
)

ERASED = "[erased]"
# Said or written by a person: never kept in a delivery's payload after erasure.
PERSONAL_PAYLOAD_KEYS = frozenset({"text", "comment", "agent_name"})
# An email still to be sent keeps what it says until it is sent or given up.
SETTLED = ("sent", "failed")
# Columns that hold what a customer or agent wrote, or an address. Headers hold Message-IDs
# and relaydesk's own address: threading needs them as they are.
MASKED_COLUMNS: tuple[tuple[Table, tuple[str, ...]], ...] = (
    (email_threads, ("address", "subject")),
    (inbound_emails, ("sender", "subject")),
    (queue_entries, ("follow_up_email",)),
)
OUTBOX_COLUMNS = ("recipient", "subject", "body_text")


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


def mask_email_data(conn: Connection, conversation_id: str, kinds: frozenset[Kind]) -> None:
    """Mask `kinds` in the conversation's email rows: addresses, subjects, sent bodies, the
    names and text of attachments (images and documents cannot be read, and are kept)."""
    if not kinds:
        return
    for table, names in MASKED_COLUMNS:
        _mask_rows(conn, table, names, table.c.conversation_id == conversation_id, kinds)
    settled = outbox_emails.c.status.in_(SETTLED)
    mine = outbox_emails.c.conversation_id == conversation_id
    _mask_rows(conn, outbox_emails, OUTBOX_COLUMNS, mine & settled, kinds)
    _mask_attachments(conn, conversation_id, kinds)


def mask_sent_email(conn: Connection, outbox_id: str, kinds: frozenset[Kind]) -> None:
    """Mask an email sent or given up after its conversation closed."""
    _mask_rows(conn, outbox_emails, OUTBOX_COLUMNS, outbox_emails.c.id == outbox_id, kinds)


def _mask_rows(
    conn: Connection,
    table: Table,
    names: tuple[str, ...],
    where: ColumnElement[bool],
    kinds: frozenset[Kind],
) -> None:
    (key,) = table.primary_key.columns
    for row in conn.execute(select(key, *(table.c[name] for name in names)).where(where)):
        found = row._mapping
        changed = {
            name: masked
            for name in names
            if found[name] and (masked := mask_text(found[name], kinds)) != found[name]
        }
        if changed:
            conn.execute(update(table).where(key == found[key.name]).values(**changed))


def _mask_attachments(conn: Connection, conversation_id: str, kinds: frozenset[Kind]) -> None:
    mine = email_attachments.c.conversation_id == conversation_id
    _mask_rows(conn, email_attachments, ("filename",), mine, kinds)
    texts = conn.execute(
        select(email_attachments.c.id, email_attachments.c.content).where(
            mine, email_attachments.c.content_type.startswith("text/")
        )
    ).all()
    for attachment_id, content in texts:
        try:
            text = bytes(content).decode("utf-8")
        except UnicodeDecodeError:
            continue  # not readable as text: kept like an image
        masked = mask_text(text, kinds).encode("utf-8")
        if masked != bytes(content):
            conn.execute(
                update(email_attachments)
                .where(email_attachments.c.id == attachment_id)
                .values(content=masked, size=len(masked))
            )


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
