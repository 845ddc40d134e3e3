"""The email outbox: queued with the event that causes it, claimed with a lease, sent once.

A message moves queued -> sending (leased to one sender) -> sent, or back to queued with a
later attempt time, or to failed after too many attempts. A sender that dies leaves its
lease to expire; another sender (or the same one restarted) takes the message again with
the same Message-ID.

An email sent or given up after its conversation closed is masked as the closed
conversation's other email rows are (`mask_on_close`, from the transcript policy).
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import Connection, Engine, RowMapping, and_, func, insert, or_, select, update

from relaydesk.channels.email.privacy import mask_sent_email
from relaydesk.channels.retry import backoff
from relaydesk.security.pii import Kind
from relaydesk.store.conversations import conversation_closed
from relaydesk.store.tables import outbox_emails

LEASE = timedelta(seconds=60)


def utcnow() -> datetime:
    return datetime.now(UTC)


def _aware(moment: datetime | None) -> datetime | None:
    if moment is None:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


@dataclass(frozen=True)
class OutgoingEmail:
    """One email in the outbox, as the sender needs it."""

    id: str
    message_id: str
    recipient: str
    subject: str
    body_text: str
    headers: dict[str, str]
    conversation_id: str | None
    status: str
    attempts: int
    last_error: str | None = None
    sent_at: datetime | None = None


def _to_email(row: Mapping[str, Any] | RowMapping) -> OutgoingEmail:
    return OutgoingEmail(
        id=row["id"],
        message_id=row["message_id"],
        recipient=row["recipient"],
        subject=row["subject"],
        body_text=row["body_text"],
        headers=dict(row["headers"] or {}),
        conversation_id=row["conversation_id"],
        status=row["status"],
        attempts=row["attempts"],
        last_error=row["last_error"],
        sent_at=_aware(row["sent_at"]),
    )


def new_message_id(domain: str) -> str:
    return f"<{uuid.uuid4().hex}@{domain}>"


def queue_email(
    conn: Connection,
    *,
    message_id: str,
    recipient: str,
    subject: str,
    body_text: str,
    headers: dict[str, str],
    conversation_id: str | None = None,
    event_id: str | None = None,
) -> str:
    """Queue an email inside the caller's transaction; returns its outbox id."""
    outbox_id = f"out_{uuid.uuid4().hex}"
    now = utcnow()
    conn.execute(
        insert(outbox_emails).values(
            id=outbox_id,
            conversation_id=conversation_id,
            event_id=event_id,
            message_id=message_id,
            recipient=recipient,
            subject=subject,
            body_text=body_text,
            headers=headers,
            status="queued",
            attempts=0,
            next_attempt_at=now,
            created_at=now,
        )
    )
    return outbox_id


def _conversation_closed(conn: Connection, outbox_id: str) -> bool:
    conversation_id = conn.execute(
        select(outbox_emails.c.conversation_id).where(outbox_emails.c.id == outbox_id)
    ).scalar()
    return conversation_id is not None and conversation_closed(conn, conversation_id)


class Outbox:
    """The sender's side of the outbox table."""

    def __init__(
        self,
        engine: Engine,
        max_attempts: int = 12,
        first_retry_s: float = 2.0,
        lease: timedelta = LEASE,
        mask_on_close: frozenset[Kind] = frozenset(),
    ) -> None:
        self.engine = engine
        self.max_attempts = max_attempts
        self.first_retry_s = first_retry_s
        self.lease = lease
        self.mask_on_close = mask_on_close

    def claim_due(self, limit: int = 20, now: datetime | None = None) -> list[OutgoingEmail]:
        """Lease up to `limit` due messages to this sender (a compare-and-set per message)."""
        now = now or utcnow()
        due = or_(
            and_(outbox_emails.c.status == "queued", outbox_emails.c.next_attempt_at <= now),
            and_(outbox_emails.c.status == "sending", outbox_emails.c.lease_until < now),
        )
        with self.engine.begin() as conn:
            candidates = conn.execute(
                select(outbox_emails.c.id)
                .where(due)
                .order_by(outbox_emails.c.created_at)
                .limit(limit)
            ).scalars()
            claimed: list[OutgoingEmail] = []
            for outbox_id in list(candidates):
                row = conn.execute(
                    update(outbox_emails)
                    .where(outbox_emails.c.id == outbox_id, due)
                    .values(status="sending", lease_until=now + self.lease)
                    .returning(*outbox_emails.c)
                ).first()
                if row is not None:
                    claimed.append(_to_email(row._mapping))
        return claimed

    def mark_sent(self, outbox_id: str) -> None:
        self._settle(outbox_id, status="sent", sent_at=utcnow(), lease_until=None, last_error=None)

    def mark_failed_attempt(self, email: OutgoingEmail, error: str, permanent: bool) -> None:
        """Try again later with backoff, or give up after a permanent refusal or too many."""
        attempts = email.attempts + 1
        if permanent or attempts >= self.max_attempts:
            self._settle(email.id, status="failed", attempts=attempts, last_error=error[:2000])
            return
        self._set(
            email.id,
            status="queued",
            attempts=attempts,
            last_error=error[:2000],
            lease_until=None,
            next_attempt_at=utcnow() + backoff(attempts, self.first_retry_s),
        )

    def _set(self, outbox_id: str, **values: Any) -> None:
        with self.engine.begin() as conn:
            conn.execute(
                update(outbox_emails).where(outbox_emails.c.id == outbox_id).values(**values)
            )

    def _settle(self, outbox_id: str, **values: Any) -> None:
        """Sent or given up: masked too when its conversation has closed meanwhile."""
        with self.engine.begin() as conn:
            closed = bool(self.mask_on_close) and _conversation_closed(conn, outbox_id)
            conn.execute(
                update(outbox_emails).where(outbox_emails.c.id == outbox_id).values(**values)
            )
            if closed:
                mask_sent_email(conn, outbox_id, self.mask_on_close)

    def waiting(self) -> int:
        """Messages not yet sent nor given up: queued, or leased to a sender."""
        with self.engine.begin() as conn:
            return int(
                conn.execute(
                    select(func.count())
                    .select_from(outbox_emails)
                    .where(outbox_emails.c.status.in_(("queued", "sending")))
                ).scalar_one()
            )

    def recent(self, conversation_id: str | None = None, limit: int = 200) -> list[OutgoingEmail]:
        """The newest first, for the supervisors' outbox log."""
        query = select(outbox_emails).order_by(outbox_emails.c.created_at.desc()).limit(limit)
        if conversation_id is not None:
            query = query.where(outbox_emails.c.conversation_id == conversation_id)
        with self.engine.connect() as conn:
            return [_to_email(row._mapping) for row in conn.execute(query)]

    def list(self, conversation_id: str | None = None, limit: int = 200) -> list[OutgoingEmail]:
        query = select(outbox_emails).order_by(outbox_emails.c.created_at).limit(limit)
        if conversation_id is not None:
            query = query.where(outbox_emails.c.conversation_id == conversation_id)
        with self.engine.begin() as conn:
            return [_to_email(row._mapping) for row in conn.execute(query)]
