"""A customer's rights over their data: a copy of it (export) and its erasure.

Erasure redacts rather than deletes. Conversations and their events stay, with their seq,
kind, source, times and causes, so cursors, the owner state machine, queue history and
analytics counts remain valid; what a person said or typed is replaced, the customer's
name and external reference are removed, and event data keeps only structural fields
(which tool, its status and policy decision, which transition). Both leave an audit entry.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection, Engine, or_, select, update

from relaydesk.channels.email.privacy import erase_email_data, export_email_data
from relaydesk.domain.errors import NotFound
from relaydesk.security.audit import AuditEntry, AuditLog
from relaydesk.store.revocations import revoke_conversations
from relaydesk.store.tables import approvals, conversations, customers, events, queue_entries

ERASED = "[erased]"
# Event data fields that say what happened without saying anything about the person.
STRUCTURAL_KEYS = frozenset(
    {
        "transition",
        "from",
        "to",
        "reason",
        "priority",
        "skill",
        "disposition",
        "tool",
        "status",
        "error",
        "approval_id",
        "reply_key",
        "intent",
        "language",
        "turn_ms",
    }
)


@dataclass(frozen=True)
class Actor:
    """Who asked: an administrator in the console, or an operator at the command line."""

    kind: str  # agent | operator
    id: str


@dataclass(frozen=True)
class ErasureReport:
    customer_id: str
    conversations: int
    events: int
    approvals: int

    def as_dict(self) -> dict[str, Any]:
        return {
            "customer_id": self.customer_id,
            "conversations": self.conversations,
            "events": self.events,
            "approvals": self.approvals,
        }


def _json(value: Any) -> Any:
    return value.isoformat() if isinstance(value, datetime) else value


def _row(mapping: Any) -> dict[str, Any]:
    return {key: _json(value) for key, value in dict(mapping).items()}


def structural(data: dict[str, Any]) -> dict[str, Any]:
    """Event data reduced to what it says about the process, marked as erased."""
    kept = {key: value for key, value in data.items() if key in STRUCTURAL_KEYS}
    decision = data.get("decision")
    if isinstance(decision, dict):
        kept["decision"] = {"outcome": decision.get("outcome"), "reason": decision.get("reason")}
    return {**kept, "erased": True}


# Every table an erasure rewrites a value in (their old row versions hold the originals).
PERSONAL_TABLES = (
    "customers",
    "events",
    "approvals",
    "queue_entries",
    "outbox_emails",
    "email_threads",
    "inbound_emails",
    "email_attachments",
    "webhook_deliveries",
)


class PrivacyDesk:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.audit = AuditLog(engine)

    def export(self, customer: str, actor: Actor) -> dict[str, Any]:
        """Everything relaydesk holds about a customer (by id or the operator's reference)."""
        with self.engine.connect() as conn:
            row = self._customer(conn, customer)
            ids = self._conversation_ids(conn, row["id"])
            found = {
                "customer": _row(row),
                "conversations": self._rows(conn, conversations, conversations.c.id, ids),
                "events": self._rows(conn, events, events.c.conversation_id, ids),
                "approvals": self._rows(conn, approvals, approvals.c.conversation_id, ids),
                "queue_entries": self._rows(
                    conn, queue_entries, queue_entries.c.conversation_id, ids
                ),
                "email": export_email_data(conn, ids),
                "exported_at": datetime.now(UTC).isoformat(),
            }
        self._audit(actor, "privacy.export", row["id"], {"conversations": len(ids)})
        return found

    def erase(self, customer: str, actor: Actor, *, compact: bool = False) -> ErasureReport:
        """Redact the customer's personal data in one transaction; safe to repeat.

        Their conversations' tokens are revoked in the same transaction. On SQLite the
        redaction zeroes the space it frees and the write-ahead log is checkpointed and
        truncated afterwards, so no copy of the originals stays in either file. On
        PostgreSQL the old row versions stay in the tables' files until they are rewritten:
        `compact` does that at once (see `compact`).
        """
        sqlite = self.engine.dialect.name == "sqlite"
        with self.engine.begin() as conn:
            if sqlite:
                conn.exec_driver_sql("PRAGMA secure_delete=ON")
            row = self._customer(conn, customer)
            ids = self._conversation_ids(conn, row["id"])
            conn.execute(
                update(customers)
                .where(customers.c.id == row["id"])
                .values(display_name=ERASED, external_ref=None)
            )
            erased_events = self._erase_events(conn, ids)
            erased_approvals = self._erase_approvals(conn, ids)
            conn.execute(
                update(queue_entries)
                .where(queue_entries.c.conversation_id.in_(ids))
                .values(follow_up_email=None)
            )
            erase_email_data(conn, ids)
            revoke_conversations(conn, ids, "erased", datetime.now(UTC))
            report = ErasureReport(row["id"], len(ids), erased_events, erased_approvals)
            self._audit(actor, "privacy.erase", row["id"], report.as_dict(), conn)
        if sqlite:
            self._truncate_write_ahead_log()
        elif compact:
            self.compact()
        return report

    def compact(self) -> list[str]:
        """On PostgreSQL, rewrite the tables that hold personal data; the tables rewritten.

        An UPDATE leaves the old row version in the table's file, and a plain VACUUM only
        marks its space reusable (the bytes stay until overwritten); VACUUM FULL writes each
        table anew without them. It locks each table while it runs, so it is a separate,
        explicit step (`relaydesk privacy erase --compact`, `relaydesk privacy compact`).
        SQLite needs none: erasure zeroes freed space there.
        """
        if self.engine.dialect.name != "postgresql":
            return []
        with self.engine.connect() as conn:
            conn = conn.execution_options(isolation_level="AUTOCOMMIT")  # VACUUM: no BEGIN
            for table in PERSONAL_TABLES:
                conn.exec_driver_sql(f'VACUUM FULL "{table}"')
        return list(PERSONAL_TABLES)

    def _truncate_write_ahead_log(self) -> None:
        """Copy the log into the database (over the old pages) and empty it."""
        with self.engine.connect() as conn:
            # On the driver's connection: through SQLAlchemy it would run inside a BEGIN.
            cursor = conn.connection.dbapi_connection.cursor()  # type: ignore[union-attr]
            try:
                cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchall()
            finally:
                cursor.close()

    def _customer(self, conn: Connection, customer: str) -> Any:
        """The customer by id, by the operator's reference, or by one of their conversations."""
        of_conversation = select(conversations.c.customer_id).where(conversations.c.id == customer)
        found = (
            conn.execute(
                select(customers).where(
                    or_(
                        customers.c.id == customer,
                        customers.c.external_ref == customer,
                        customers.c.id.in_(of_conversation.scalar_subquery()),
                    )
                )
            )
            .mappings()
            .first()
        )
        if found is None:
            raise NotFound("No customer with this id, reference or conversation.")
        return found

    def _conversation_ids(self, conn: Connection, customer_id: str) -> list[str]:
        query = select(conversations.c.id).where(conversations.c.customer_id == customer_id)
        return list(conn.execute(query).scalars())

    def _rows(
        self, conn: Connection, table: Any, column: Any, ids: Iterable[str]
    ) -> list[dict[str, Any]]:
        rows = conn.execute(select(table).where(column.in_(list(ids)))).mappings().all()
        return [_row(row) for row in rows]

    def _erase_events(self, conn: Connection, ids: list[str]) -> int:
        rows = conn.execute(
            select(events.c.id, events.c.text, events.c.data).where(
                events.c.conversation_id.in_(ids)
            )
        ).all()
        for event_id, text, data in rows:
            conn.execute(
                update(events)
                .where(events.c.id == event_id)
                .values(text=ERASED if text else text, data=structural(dict(data or {})))
            )
        return len(rows)

    def _erase_approvals(self, conn: Connection, ids: list[str]) -> int:
        result = conn.execute(
            update(approvals)
            .where(approvals.c.conversation_id.in_(ids))
            .values(params={}, summary=ERASED, reason=None)
        )
        return int(result.rowcount or 0)

    def _audit(
        self,
        actor: Actor,
        action: str,
        subject: str,
        details: dict[str, Any],
        conn: Connection | None = None,
    ) -> None:
        entry = AuditEntry(
            datetime.now(UTC), actor.kind, actor.id, action, subject, "allow", details
        )
        self.audit.record(entry, conn)
