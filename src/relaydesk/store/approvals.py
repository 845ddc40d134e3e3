"""Approval requests: actions waiting for a person's yes or no."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Engine, Row, insert, select, update
from sqlalchemy.exc import IntegrityError

from relaydesk.domain.agents import AlreadyDecided, ApprovalRequest, ApprovalStatus
from relaydesk.domain.errors import NotFound
from relaydesk.domain.model import AgentId, ConversationId
from relaydesk.sql import reading
from relaydesk.store.conversations import _aware, new_id, utcnow
from relaydesk.store.tables import approvals


def _to_request(row: Row[Any]) -> ApprovalRequest:
    return ApprovalRequest(
        id=row.id,
        conversation_id=ConversationId(row.conversation_id),
        tool=row.tool,
        params=dict(row.params or {}),
        summary=row.summary,
        status=ApprovalStatus(row.status),
        created_at=_aware(row.created_at),
        decided_by=AgentId(row.decided_by) if row.decided_by else None,
        reason=row.reason,
        decided_at=_aware(row.decided_at) if row.decided_at else None,
        requested_by=AgentId(row.requested_by) if row.requested_by else None,
    )


class ApprovalStore:
    """Repository for approval requests; deciding is a compare-and-set on `pending`."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def create(
        self,
        conversation_id: ConversationId,
        tool: str,
        params: dict[str, Any],
        summary: str,
        approval_id: str | None = None,
        requested_by: AgentId | None = None,
    ) -> tuple[ApprovalRequest, bool]:
        """Store a pending request; with a known id a repeat returns the first (and False)."""
        approval_id = approval_id or new_id("apr")
        try:
            with self.engine.begin() as conn:
                conn.execute(
                    insert(approvals).values(
                        id=approval_id,
                        conversation_id=conversation_id,
                        tool=tool,
                        params=params,
                        summary=summary,
                        status=ApprovalStatus.PENDING.value,
                        created_at=utcnow(),
                        requested_by=requested_by,
                    )
                )
        except IntegrityError:
            return self.get(approval_id), False
        return self.get(approval_id), True

    def get(self, approval_id: str) -> ApprovalRequest:
        with reading(self.engine) as conn:
            row = conn.execute(select(approvals).where(approvals.c.id == approval_id)).first()
        if row is None:
            raise NotFound("No such approval request.")
        return _to_request(row)

    def for_conversation(self, conversation_id: ConversationId) -> list[ApprovalRequest]:
        with reading(self.engine) as conn:
            rows = conn.execute(
                select(approvals)
                .where(approvals.c.conversation_id == conversation_id)
                .order_by(approvals.c.created_at)
            ).all()
        return [_to_request(row) for row in rows]

    def pending(self, conversation_ids: Sequence[str] | None = None) -> list[ApprovalRequest]:
        """Pending requests, oldest first; limited to these conversations when given."""
        query = select(approvals).where(approvals.c.status == ApprovalStatus.PENDING.value)
        if conversation_ids is not None:
            query = query.where(approvals.c.conversation_id.in_(list(conversation_ids)))
        with reading(self.engine) as conn:
            rows = conn.execute(query.order_by(approvals.c.created_at).limit(200)).all()
        return [_to_request(row) for row in rows]

    def decide(
        self,
        approval_id: str,
        status: ApprovalStatus,
        decided_by: AgentId,
        reason: str | None,
        now: datetime,
    ) -> ApprovalRequest:
        """Move a pending request to `status`; a second decision raises AlreadyDecided."""
        with self.engine.begin() as conn:
            result = conn.execute(
                update(approvals)
                .where(
                    approvals.c.id == approval_id,
                    approvals.c.status == ApprovalStatus.PENDING.value,
                )
                .values(status=status.value, decided_by=decided_by, reason=reason, decided_at=now)
            )
        if result.rowcount != 1:
            self.get(approval_id)  # NotFound if it never existed
            raise AlreadyDecided("This request has already been decided.")
        return self.get(approval_id)

    def mark_failed(self, approval_id: str) -> None:
        """An approved action whose execution failed."""
        with self.engine.begin() as conn:
            conn.execute(
                update(approvals)
                .where(approvals.c.id == approval_id)
                .values(status=ApprovalStatus.FAILED.value)
            )
