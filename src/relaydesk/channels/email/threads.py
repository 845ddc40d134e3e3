"""Which conversation an email belongs to, and the Message-IDs that thread it."""

from __future__ import annotations

import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import Connection, insert, select, update

from relaydesk.store.tables import email_threads, inbound_emails, outbox_emails

# The newest Message-IDs kept for References: enough for any mail client to thread.
KEPT_IDS = 20


@dataclass(frozen=True)
class EmailThread:
    conversation_id: str
    address: str
    subject: str
    token: str
    message_ids: list[str]
    origin: str  # "email" (the customer wrote in) or "follow_up" (left an address in chat)

    @property
    def has_address(self) -> bool:
        """False once masked on close, until the customer writes from an address again."""
        return "@" in self.address


def thread_for(conn: Connection, conversation_id: str) -> EmailThread | None:
    row = conn.execute(
        select(email_threads).where(email_threads.c.conversation_id == conversation_id)
    ).first()
    if row is None:
        return None
    return EmailThread(
        row.conversation_id, row.address, row.subject, row.token, list(row.message_ids), row.origin
    )


def open_thread(
    conn: Connection,
    conversation_id: str,
    address: str,
    subject: str,
    origin: str,
    message_ids: Iterable[str] = (),
) -> EmailThread:
    """The conversation's thread, created on first use; a new address replaces the old."""
    found = thread_for(conn, conversation_id)
    if found is not None:
        if found.address != address:
            conn.execute(
                update(email_threads)
                .where(email_threads.c.conversation_id == conversation_id)
                .values(address=address)
            )
        return found
    token = secrets.token_hex(6)
    ids = list(message_ids)[-KEPT_IDS:]
    conn.execute(
        insert(email_threads).values(
            conversation_id=conversation_id,
            address=address,
            subject=subject,
            token=token,
            message_ids=ids,
            origin=origin,
            created_at=datetime.now(UTC),
        )
    )
    return EmailThread(conversation_id, address, subject, token, ids, origin)


def extend_thread(
    conn: Connection, thread: EmailThread, message_id: str, sender: str | None = None
) -> None:
    """Add an email's Message-ID; its sender becomes the address if the old one was masked."""
    values: dict[str, object] = {"message_ids": [*thread.message_ids, message_id][-KEPT_IDS:]}
    if sender and not thread.has_address:
        values["address"] = sender
    conn.execute(
        update(email_threads)
        .where(email_threads.c.conversation_id == thread.conversation_id)
        .values(**values)
    )


def conversation_for_message_ids(conn: Connection, message_ids: list[str]) -> str | None:
    """The conversation an email replies to, by any Message-ID it names, newest first."""
    for message_id in reversed(message_ids):
        for table in (outbox_emails, inbound_emails):
            found = conn.execute(
                select(table.c.conversation_id).where(
                    table.c.message_id == message_id, table.c.conversation_id.is_not(None)
                )
            ).scalar()
            if found:
                return str(found)
    return None


def conversation_for_token(conn: Connection, token: str) -> str | None:
    found = conn.execute(
        select(email_threads.c.conversation_id).where(email_threads.c.token == token)
    ).scalar()
    return str(found) if found else None
