"""The audit trail: who did what, when, and what the policy said.

Actions inside a conversation are already append-only events that name their source and
actor (tool calls with their policy decision, approvals, owner changes, agents' replies and
notes); the trail reads them from there rather than writing everything twice. Actions
outside any conversation, such as privacy exports and erasures, go to `audit_log`, whose
rows the database refuses to update or delete. An erasure rewrites what people said but
keeps the structural fields the trail reads, so the trail survives it.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection, Engine, insert, select

from relaydesk.domain.model import EventKind
from relaydesk.domain.payloads import ApprovalNoted, OwnerChanged, ToolRan
from relaydesk.store.tables import audit_log, events

# Event kinds that are actions by the assistant, an agent or the system.
ACTION_KINDS = (
    EventKind.TOOL_RESULT.value,
    EventKind.APPROVAL.value,
    EventKind.OWNER_CHANGED.value,
    EventKind.NOTE.value,
    EventKind.MESSAGE.value,
)


@dataclass(frozen=True)
class AuditEntry:
    at: datetime
    actor_kind: str  # assistant | agent | customer | system | operator
    actor_id: str | None
    action: str
    subject: str | None
    decision: str | None = None
    details: dict[str, Any] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return {
            "at": self.at.isoformat(),
            "actor_kind": self.actor_kind,
            "actor_id": self.actor_id,
            "action": self.action,
            "subject": self.subject,
            "decision": self.decision,
            "details": self.details,
        }


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


class AuditLog:
    """Appends to `audit_log` and reads the whole trail, events included."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def record(self, entry: AuditEntry, conn: Connection | None = None) -> None:
        """Append one entry, inside the caller's transaction when one is given."""
        if conn is None:
            with self.engine.begin() as own:
                self.record(entry, own)
            return
        conn.execute(
            insert(audit_log).values(
                id=f"aud_{uuid.uuid4().hex}",
                at=entry.at,
                actor_kind=entry.actor_kind,
                actor_id=entry.actor_id,
                action=entry.action,
                subject=entry.subject,
                decision=entry.decision,
                details=entry.details,
            )
        )

    def recorded(self, since: datetime, limit: int = 500) -> list[AuditEntry]:
        """Rows of `audit_log` from `since`, oldest first."""
        with self.engine.connect() as conn:
            rows = conn.execute(
                select(audit_log)
                .where(audit_log.c.at >= since)
                .order_by(audit_log.c.at)
                .limit(limit)
            ).all()
        return [
            AuditEntry(
                _aware(row.at),
                row.actor_kind,
                row.actor_id,
                row.action,
                row.subject,
                row.decision,
                dict(row.details or {}),
            )
            for row in rows
        ]

    def trail(self, since: datetime, limit: int = 500) -> list[AuditEntry]:
        """Every recorded action and every action event from `since`, oldest first."""
        with self.engine.connect() as conn:
            rows = (
                conn.execute(
                    select(events)
                    .where(events.c.created_at >= since, events.c.kind.in_(ACTION_KINDS))
                    .order_by(events.c.created_at, events.c.seq)
                    .limit(limit)
                )
                .mappings()
                .all()
            )
        found = [entry for row in rows if (entry := entry_from_event(row)) is not None]
        found += self.recorded(since, limit)
        return sorted(found, key=lambda entry: entry.at)[:limit]


def entry_from_event(row: Any) -> AuditEntry | None:
    """The audit entry an event stands for; customers' own messages are not actions."""
    data = dict(row["data"] or {})
    kind, source = row["kind"], row["source"]
    if kind == EventKind.MESSAGE.value and source == "customer":
        return None
    action, decision = _action_of(kind, data)
    details = {key: data[key] for key in ("reason", "status", "error", "tool") if key in data}
    return AuditEntry(
        at=_aware(row["created_at"]),
        actor_kind=source,
        actor_id=row["actor_id"],
        action=action,
        subject=row["conversation_id"],
        decision=decision,
        details=details,
    )


def _action_of(kind: str, data: dict[str, Any]) -> tuple[str, str | None]:
    if kind == EventKind.TOOL_RESULT.value:
        ran = ToolRan.read(data)
        return f"tool.{ran.tool}.{ran.status}", ran.policy_outcome
    if kind == EventKind.APPROVAL.value:
        noted = ApprovalNoted.read(data)
        status = noted.status.value if noted is not None and noted.status else None
        return f"approval.{status}", status
    if kind == EventKind.OWNER_CHANGED.value:
        change = OwnerChanged.read(data).transition
        return f"owner.{change.value if change else None}", None
    return f"{kind}.sent", None
