"""Orders and what happens after a purchase: finding them, refunds and disputes."""

from __future__ import annotations

import secrets
from datetime import timedelta
from typing import Any

from sqlalchemy import Connection, Table, func, insert, select

from relaydesk.packs.paylater.backend import tables as t
from relaydesk.packs.paylater.operations.base import Ctx, customer_order, need
from relaydesk.packs.paylater.operations.queries import order_views, refund_view
from relaydesk.packs.paylater.operations.schemas import (
    FindOrdersParams,
    FindOrdersResult,
    OpenDisputeParams,
    OpenDisputeResult,
    RefundStatusParams,
    RefundStatusResult,
    RequestRefundParams,
    RequestRefundResult,
)
from relaydesk.packs.paylater.policy import (
    OrderFacts,
    decide_dispute,
    decide_refund,
    limit_holder,
    verified,
)
from relaydesk.tools import PolicyDecision, allow, deny


def new_id(conn: Connection, table: Table, prefix: str) -> str:
    """A fresh id like RF-123456 that no row of the table has yet."""
    while True:
        candidate = f"{prefix}-{100000 + secrets.randbelow(900000)}"
        if conn.execute(select(table.c.id).where(table.c.id == candidate)).first() is None:
            return candidate


def _only_verified(conn: Connection, ctx: Ctx, order_id: str | None) -> PolicyDecision:
    """Verified, and owning the order when one is named."""
    if order_id is not None:
        return customer_order(conn, ctx, order_id)[0]
    return verified(ctx) or allow()


# --- find_orders -------------------------------------------------------------------------


def decide_find_orders(
    conn: Connection, ctx: Ctx, params: FindOrdersParams
) -> tuple[PolicyDecision, None]:
    return _only_verified(conn, ctx, params.order_id), None


def find_orders(
    conn: Connection, ctx: Ctx, params: FindOrdersParams, _facts: None
) -> FindOrdersResult:
    """The verified customer's orders, newest first, filtered by number, shop or status."""
    where: list[Any] = []
    if params.order_id is not None:
        where.append(t.orders.c.id == params.order_id)
    if params.merchant:
        where.append(func.lower(t.merchants.c.name).contains(params.merchant.lower().strip()))
    if params.status is not None:
        where.append(t.orders.c.status == params.status)
    views, total = order_views(conn, need(ctx.customer_id), where, params.limit)
    return FindOrdersResult(orders=views, total=total)


# --- refund_status -----------------------------------------------------------------------


def decide_refund_status(
    conn: Connection, ctx: Ctx, params: RefundStatusParams
) -> tuple[PolicyDecision, None]:
    decision = _only_verified(conn, ctx, params.order_id)
    if decision.outcome != "allow" or params.refund_id is None:
        return decision, None
    owner = conn.execute(
        select(t.orders.c.customer_id)
        .join(t.refunds, t.refunds.c.order_id == t.orders.c.id)
        .where(t.refunds.c.id == params.refund_id)
    ).scalar_one_or_none()
    if owner is None:
        return deny("refund_not_found"), None
    if owner != ctx.customer_id:
        return deny("not_your_refund"), None
    return decision, None


def refund_status(
    conn: Connection, ctx: Ctx, params: RefundStatusParams, _facts: None
) -> RefundStatusResult:
    """The customer's refunds, newest first, optionally for one order or one refund."""
    query = (
        select(t.refunds)
        .join(t.orders, t.orders.c.id == t.refunds.c.order_id)
        .where(t.orders.c.customer_id == ctx.customer_id)
        .order_by(t.refunds.c.requested_on.desc(), t.refunds.c.id.desc())
    )
    if params.order_id is not None:
        query = query.where(t.refunds.c.order_id == params.order_id)
    if params.refund_id is not None:
        query = query.where(t.refunds.c.id == params.refund_id)
    days = ctx.deps.config.refund_processing_days
    return RefundStatusResult(refunds=[refund_view(row, days) for row in conn.execute(query)])


# --- request_refund ----------------------------------------------------------------------


def _refund_minor(order: OrderFacts, params: RequestRefundParams) -> int:
    if params.amount is None:
        return order.amount_minor - order.refunded_minor
    return int((params.amount * 100).to_integral_value())


def decide_request_refund(
    conn: Connection, ctx: Ctx, params: RequestRefundParams
) -> tuple[PolicyDecision, OrderFacts | None]:
    decision, order = customer_order(conn, ctx, params.order_id)
    if order is None:
        return decision, None
    minor = _refund_minor(order, params)
    recent = refunded_recently(conn, ctx, order.customer_id)
    reason = refund_reason(order, params)
    decision = decide_refund(ctx.deps.config, limit_holder(ctx), order, minor, reason, recent)
    return decision, order


def refund_reason(order: OrderFacts, params: RequestRefundParams) -> str:
    """The stated reason, or one the backend's facts state: the item is on its way back."""
    if params.reason != "other":
        return params.reason
    return "returned_item" if order.return_status in ("in_transit", "received") else "other"


def refunded_recently(conn: Connection, ctx: Ctx, customer_id: str) -> int:
    """The assistant's refunds to this customer within the policy's cap period, in minor units."""
    since = ctx.deps.clock() - timedelta(days=ctx.deps.config.refund_cap_days)
    total = conn.execute(
        select(func.coalesce(func.sum(t.refunds.c.amount_minor), 0))
        .join(t.orders, t.orders.c.id == t.refunds.c.order_id)
        .where(
            t.orders.c.customer_id == customer_id,
            t.refunds.c.requested_by == "assistant",
            t.refunds.c.approved_by.is_(None),
            t.refunds.c.requested_on >= since,
        )
    ).scalar_one()
    return int(total)


def request_refund(
    conn: Connection, ctx: Ctx, params: RequestRefundParams, order: OrderFacts | None
) -> RequestRefundResult:
    """Register a refund; it is pending until the money has gone back to the customer."""
    order = need(order)
    refund_id = new_id(conn, t.refunds, "RF")
    conn.execute(
        insert(t.refunds).values(
            id=refund_id,
            order_id=order.id,
            amount_minor=_refund_minor(order, params),
            currency=order.currency,
            status="pending",
            reason=refund_reason(order, params),
            requested_on=ctx.deps.clock(),
            completed_on=None,
            requested_by=ctx.actor_id or ctx.actor,
            approved_by=ctx.approved_by,
        )
    )
    row = conn.execute(select(t.refunds).where(t.refunds.c.id == refund_id)).one()
    return RequestRefundResult(
        refund=refund_view(row, ctx.deps.config.refund_processing_days),
        approved_by=ctx.approved_by,
    )


# --- open_dispute ------------------------------------------------------------------------


def decide_open_dispute(
    conn: Connection, ctx: Ctx, params: OpenDisputeParams
) -> tuple[PolicyDecision, OrderFacts | None]:
    decision, order = customer_order(conn, ctx, params.order_id)
    if order is None:
        return decision, None
    return decide_dispute(ctx.deps.config, order, params.reason, ctx.deps.clock()), order


def open_dispute(
    conn: Connection, ctx: Ctx, params: OpenDisputeParams, order: OrderFacts | None
) -> OpenDisputeResult:
    """Open a dispute with the merchant, who must answer within the response time."""
    order = need(order)
    today = ctx.deps.clock()
    dispute_id = new_id(conn, t.disputes, "DS")
    conn.execute(
        insert(t.disputes).values(
            id=dispute_id,
            order_id=order.id,
            reason=params.reason,
            status="open",
            description=params.description,
            opened_on=today,
        )
    )
    return OpenDisputeResult(
        dispute_id=dispute_id,
        order_id=order.id,
        reason=params.reason,
        status="open",
        opened_on=today,
        merchant_response_by=today + timedelta(days=ctx.deps.config.merchant_response_days),
    )

