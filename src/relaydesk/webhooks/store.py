"""Webhook endpoints and their deliveries: queued with the events, claimed in order.

A delivery delivered or given up after its conversation closed has its payload masked as
the closed conversation's other deliveries are (`mask_on_close`, from the transcript policy).
"""

from __future__ import annotations

import secrets
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import Engine, RowMapping, and_, exists, insert, or_, select, update
from sqlalchemy.orm import aliased

from relaydesk.channels.retry import backoff
from relaydesk.domain.errors import InvalidInput, NotFound
from relaydesk.security.pii import Kind
from relaydesk.store.conversations import conversation_closed
from relaydesk.store.tables import webhook_deliveries, webhook_endpoints
from relaydesk.webhooks.events import EVENT_TYPES
from relaydesk.webhooks.privacy import mask_settled_payload

LEASE = timedelta(seconds=60)
UNFINISHED = ("queued", "sending")


def utcnow() -> datetime:
    return datetime.now(UTC)


def _aware(moment: datetime | None) -> datetime | None:
    if moment is None:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


@dataclass(frozen=True)
class WebhookEndpoint:
    id: str
    url: str
    secret: str
    event_types: list[str]
    description: str
    active: bool
    created_at: datetime


@dataclass(frozen=True)
class Delivery:
    id: str
    endpoint_id: str
    conversation_id: str
    position: int
    event_type: str
    payload: dict[str, Any]
    status: str
    attempts: int
    last_status_code: int | None
    last_error: str | None
    created_at: datetime
    delivered_at: datetime | None


def _to_endpoint(row: Mapping[str, Any] | RowMapping) -> WebhookEndpoint:
    return WebhookEndpoint(
        row["id"],
        row["url"],
        row["secret"],
        list(row["event_types"]),
        row["description"],
        row["active"],
        _aware(row["created_at"]) or utcnow(),
    )


def _to_delivery(row: Mapping[str, Any] | RowMapping) -> Delivery:
    return Delivery(
        id=row["id"],
        endpoint_id=row["endpoint_id"],
        conversation_id=row["conversation_id"],
        position=row["position"],
        event_type=row["event_type"],
        payload=dict(row["payload"]),
        status=row["status"],
        attempts=row["attempts"],
        last_status_code=row["last_status_code"],
        last_error=row["last_error"],
        created_at=_aware(row["created_at"]) or utcnow(),
        delivered_at=_aware(row["delivered_at"]),
    )


def _check_url(url: str) -> None:
    if not url.startswith(("https://", "http://")) or len(url) > 2000:
        raise InvalidInput(
            "A webhook URL starts with https:// (or http://) and is at most 2000 characters."
        )


class WebhookStore:
    """Endpoints operators register, and the delivery log supervisors read."""

    def __init__(
        self,
        engine: Engine,
        max_attempts: int = 15,
        first_retry_s: float = 2.0,
        lease: timedelta = LEASE,
        mask_on_close: frozenset[Kind] = frozenset(),
    ) -> None:
        self.engine = engine
        self.max_attempts = max_attempts
        self.first_retry_s = first_retry_s
        self.lease = lease
        self.mask_on_close = mask_on_close

    def register(
        self, url: str, event_types: list[str] | None, description: str, created_by: str | None
    ) -> WebhookEndpoint:
        _check_url(url)
        chosen = list(event_types or EVENT_TYPES)
        unknown = sorted(set(chosen) - set(EVENT_TYPES))
        if unknown:
            raise InvalidInput(f"Unknown webhook event types: {', '.join(unknown)}.")
        values = {
            "id": f"whk_{uuid.uuid4().hex}",
            "url": url,
            "secret": f"whsec_{secrets.token_urlsafe(32)}",
            "event_types": chosen,
            "description": description,
            "active": True,
            "created_by": created_by,
            "created_at": utcnow(),
        }
        with self.engine.begin() as conn:
            conn.execute(insert(webhook_endpoints).values(**values))
        return _to_endpoint(values)

    def endpoints(self, active_only: bool = False) -> list[WebhookEndpoint]:
        query = select(webhook_endpoints).order_by(webhook_endpoints.c.created_at)
        if active_only:
            query = query.where(webhook_endpoints.c.active.is_(True))
        with self.engine.begin() as conn:
            return [_to_endpoint(row._mapping) for row in conn.execute(query)]

    def set_active(self, endpoint_id: str, active: bool) -> WebhookEndpoint:
        with self.engine.begin() as conn:
            row = conn.execute(
                update(webhook_endpoints)
                .where(webhook_endpoints.c.id == endpoint_id)
                .values(active=active)
                .returning(*webhook_endpoints.c)
            ).first()
        if row is None:
            raise NotFound("No such webhook.")
        return _to_endpoint(row._mapping)

    def deliveries(
        self, endpoint_id: str | None = None, conversation_id: str | None = None, limit: int = 200
    ) -> list[Delivery]:
        """The delivery log, newest first."""
        query = select(webhook_deliveries).order_by(
            webhook_deliveries.c.created_at.desc(), webhook_deliveries.c.position.desc()
        )
        if endpoint_id:
            query = query.where(webhook_deliveries.c.endpoint_id == endpoint_id)
        if conversation_id:
            query = query.where(webhook_deliveries.c.conversation_id == conversation_id)
        with self.engine.begin() as conn:
            return [_to_delivery(row._mapping) for row in conn.execute(query.limit(limit))]

    def claim_next(self, now: datetime | None = None) -> tuple[Delivery, WebhookEndpoint] | None:
        """Lease the oldest due delivery that no earlier one of its conversation still waits for."""
        now = now or utcnow()
        due = or_(
            and_(
                webhook_deliveries.c.status == "queued", webhook_deliveries.c.next_attempt_at <= now
            ),
            and_(webhook_deliveries.c.status == "sending", webhook_deliveries.c.lease_until < now),
        )
        earlier = aliased(webhook_deliveries)
        blocked = exists().where(
            earlier.c.endpoint_id == webhook_deliveries.c.endpoint_id,
            earlier.c.conversation_id == webhook_deliveries.c.conversation_id,
            earlier.c.position < webhook_deliveries.c.position,
            earlier.c.status.in_(UNFINISHED),
        )
        with self.engine.begin() as conn:
            candidates = conn.execute(
                select(webhook_deliveries.c.id)
                .where(due, ~blocked)
                .order_by(webhook_deliveries.c.created_at)
                .limit(5)
            ).scalars()
            for delivery_id in list(candidates):
                row = conn.execute(
                    update(webhook_deliveries)
                    .where(webhook_deliveries.c.id == delivery_id, due)
                    .values(status="sending", lease_until=now + self.lease)
                    .returning(*webhook_deliveries.c)
                ).first()
                if row is None:
                    continue
                endpoint = conn.execute(
                    select(webhook_endpoints).where(webhook_endpoints.c.id == row.endpoint_id)
                ).one()
                return _to_delivery(row._mapping), _to_endpoint(endpoint._mapping)
        return None

    def mark_delivered(self, delivery: Delivery, status_code: int) -> None:
        self._settle(
            delivery,
            status="delivered",
            attempts=delivery.attempts + 1,
            last_status_code=status_code,
            last_error=None,
            lease_until=None,
            delivered_at=utcnow(),
        )

    def mark_failed_attempt(self, delivery: Delivery, status_code: int | None, error: str) -> None:
        """Again later with backoff; given up (and out of the way of later ones) at the limit."""
        attempts = delivery.attempts + 1
        values: dict[str, Any] = {
            "attempts": attempts,
            "last_status_code": status_code,
            "last_error": error[:2000],
            "lease_until": None,
        }
        if attempts >= self.max_attempts:
            self._settle(delivery, status="failed", **values)
            return
        values["status"] = "queued"
        values["next_attempt_at"] = utcnow() + backoff(attempts, self.first_retry_s)
        self._set(delivery.id, **values)

    def redeliver(self, delivery_id: str) -> None:
        """A supervisor's retry of a delivery that was given up."""
        with self.engine.begin() as conn:
            result = conn.execute(
                update(webhook_deliveries)
                .where(
                    webhook_deliveries.c.id == delivery_id, webhook_deliveries.c.status == "failed"
                )
                .values(status="queued", next_attempt_at=utcnow(), attempts=0)
            )
        if result.rowcount != 1:
            raise NotFound("No given-up delivery with this id.")

    def _settle(self, delivery: Delivery, **values: Any) -> None:
        """Delivered or given up: masked too when its conversation has closed meanwhile."""
        with self.engine.begin() as conn:
            closed = bool(self.mask_on_close) and conversation_closed(
                conn, delivery.conversation_id
            )
            conn.execute(
                update(webhook_deliveries)
                .where(webhook_deliveries.c.id == delivery.id)
                .values(**values)
            )
            if closed:
                mask_settled_payload(conn, delivery.id, self.mask_on_close)

    def _set(self, delivery_id: str, **values: Any) -> None:
        with self.engine.begin() as conn:
            conn.execute(
                update(webhook_deliveries)
                .where(webhook_deliveries.c.id == delivery_id)
                .values(**values)
            )
