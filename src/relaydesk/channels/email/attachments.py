"""Attachments customers sent by email, as agents list and download them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import Engine, select

from relaydesk.domain.errors import NotFound
from relaydesk.store.tables import email_attachments


@dataclass(frozen=True)
class StoredAttachment:
    id: str
    filename: str
    content_type: str
    size: int
    created_at: datetime


class AttachmentStore:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def of_conversation(self, conversation_id: str) -> list[StoredAttachment]:
        columns = (
            email_attachments.c.id,
            email_attachments.c.filename,
            email_attachments.c.content_type,
            email_attachments.c.size,
            email_attachments.c.created_at,
        )
        query = (
            select(*columns)
            .where(email_attachments.c.conversation_id == conversation_id)
            .order_by(email_attachments.c.created_at, email_attachments.c.filename)
        )
        with self.engine.begin() as conn:
            rows = conn.execute(query).all()
        return [
            StoredAttachment(
                row.id, row.filename, row.content_type, row.size, _aware(row.created_at)
            )
            for row in rows
        ]

    def content(self, conversation_id: str, attachment_id: str) -> tuple[StoredAttachment, bytes]:
        with self.engine.begin() as conn:
            row = conn.execute(
                select(email_attachments).where(
                    email_attachments.c.id == attachment_id,
                    email_attachments.c.conversation_id == conversation_id,
                )
            ).first()
        if row is None:
            raise NotFound("No such attachment in this conversation.")
        found = StoredAttachment(
            row.id, row.filename, row.content_type, row.size, _aware(row.created_at)
        )
        return found, bytes(row.content)


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)
