"""Revoked conversations: their customer tokens open nothing any more (after an erasure)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import Connection, Engine, select
from sqlalchemy.dialects import postgresql, sqlite

from relaydesk.store.tables import revoked_conversations


def revoke_conversations(
    conn: Connection, conversation_ids: Iterable[str], reason: str, at: datetime
) -> None:
    """Revoke inside the caller's transaction; revoking twice keeps the first."""
    rows = [
        {"conversation_id": cid, "reason": reason, "revoked_at": at} for cid in conversation_ids
    ]
    if not rows:
        return
    insert = (
        postgresql.insert(revoked_conversations)
        if conn.dialect.name == "postgresql"
        else sqlite.insert(revoked_conversations)
    )
    conn.execute(insert.on_conflict_do_nothing(index_elements=["conversation_id"]), rows)


def is_revoked(engine: Engine, conversation_id: str) -> bool:
    query = select(revoked_conversations.c.conversation_id).where(
        revoked_conversations.c.conversation_id == conversation_id
    )
    with engine.connect() as conn:
        return conn.execute(query).first() is not None
