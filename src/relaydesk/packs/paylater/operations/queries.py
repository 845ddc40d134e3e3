"""Reading the demo backend into policy facts and result views."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from typing import Any, Literal, Protocol

from sqlalchemy import Connection, Row, bindparam, func, select

from relaydesk.packs.paylater.backend import tables as t
from relaydesk.packs.paylater.operations.schemas import (
    InstalmentView,
    OrderView,
    PaymentMethodView,
    RefundView,
)
from relaydesk.packs.paylater.policy import (
    OPEN_DISPUTE,
    InstalmentFacts,
    MethodFacts,
    OrderFacts,
)


def amount(minor: int) -> Decimal:
    """Minor units as an exact two-decimal amount."""
    return (Decimal(minor) / 100).quantize(Decimal("0.01"))


def effective_status(status: str, due_on: date, today: date) -> str:
    """A scheduled instalment whose day has passed is overdue, whatever the row says."""
    if status == "scheduled" and due_on < today:
        return "overdue"
    return status


def lock_customer(conn: Connection, customer_id: str) -> None:
    """Serialise every change to one customer's account (a row lock on PostgreSQL)."""
    conn.execute(
        select(t.customers.c.id).where(t.customers.c.id == customer_id).with_for_update()
    ).first()


def _aftercare_columns() -> list[Any]:
    """The order's newest return, its refunds so far and any open dispute, as columns."""
    of_order = t.orders.c.id
    newest_return = (
        select(t.returns.c.status).where(t.returns.c.order_id == of_order)
        .order_by(t.returns.c.created_on.desc(), t.returns.c.id.desc()).limit(1)
    )  # fmt: skip
    refunded = select(func.coalesce(func.sum(t.refunds.c.amount_minor), 0)).where(
        t.refunds.c.order_id == of_order, t.refunds.c.status != "rejected"
    )
    pending_refund = select(func.min(t.refunds.c.id)).where(
        t.refunds.c.order_id == of_order, t.refunds.c.status == "pending"
    )
    open_dispute = select(func.min(t.disputes.c.id)).where(
        t.disputes.c.order_id == of_order, t.disputes.c.status.in_(sorted(OPEN_DISPUTE))
    )
    return [
        newest_return.scalar_subquery().label("return_status"),
        refunded.scalar_subquery().label("refunded_minor"),
        pending_refund.scalar_subquery().label("pending_refund_id"),
        open_dispute.scalar_subquery().label("open_dispute_id"),
    ]


# One round trip: a row per instalment (one row with none), each carrying the order, its plan
# and its aftercare. Six separate reads cost about 2 ms a tool call on PostgreSQL.
_ORDER_FACTS = (
    select(
        t.orders.c.id, t.orders.c.customer_id, t.orders.c.status, t.orders.c.amount_minor,
        t.orders.c.currency, t.orders.c.created_on, t.orders.c.delivered_on,
        t.payment_plans.c.kind.label("plan_kind"),
        t.payment_plans.c.status.label("plan_status"),
        t.payment_plans.c.payment_method_id.label("plan_method_id"),
        t.payment_plans.c.paused_until,
        *_aftercare_columns(),
        t.instalments.c.seq, t.instalments.c.due_on,
        t.instalments.c.amount_minor.label("instalment_minor"),
        t.instalments.c.status.label("instalment_status"),
        t.instalments.c.postponed, t.instalments.c.late_fee_minor,
    )
    .outerjoin(t.payment_plans, t.payment_plans.c.order_id == t.orders.c.id)
    .outerjoin(t.instalments, t.instalments.c.plan_id == t.payment_plans.c.id)
    .where(t.orders.c.id == bindparam("order_id"))
    .order_by(t.instalments.c.seq)
)  # fmt: skip


def load_order(conn: Connection, order_id: str, today: date) -> OrderFacts | None:
    """Everything the rules need about one order, or None if there is no such order."""
    rows = conn.execute(_ORDER_FACTS, {"order_id": order_id}).all()
    if not rows:
        return None
    order = rows[0]
    return OrderFacts(
        id=order.id,
        customer_id=order.customer_id,
        status=order.status,
        amount_minor=order.amount_minor,
        currency=order.currency,
        created_on=order.created_on,
        delivered_on=order.delivered_on,
        plan_kind=order.plan_kind,
        plan_status=order.plan_status,
        plan_method_id=order.plan_method_id,
        paused_until=order.paused_until,
        instalments=tuple(
            InstalmentFacts(
                seq=row.seq,
                due_on=row.due_on,
                amount_minor=row.instalment_minor,
                status=effective_status(row.instalment_status, row.due_on, today),
                postponed=row.postponed,
                late_fee_minor=row.late_fee_minor,
            )
            for row in rows
            if row.seq is not None
        ),
        return_status=order.return_status,
        refunded_minor=int(order.refunded_minor),
        pending_refund_id=order.pending_refund_id,
        open_dispute_id=order.open_dispute_id,
    )


def load_method(conn: Connection, method_id: str) -> MethodFacts | None:
    """A saved payment method, or None."""
    row = conn.execute(
        select(t.payment_methods).where(t.payment_methods.c.id == method_id)
    ).first()
    if row is None:
        return None
    return MethodFacts(id=row.id, customer_id=row.customer_id, expires_on=row.expires_on)


def method_id_by_last4(conn: Connection, customer_id: str, last4: str) -> str | None:
    """The customer's saved method ending in these digits (the newest-expiring one wins)."""
    row = conn.execute(
        select(t.payment_methods.c.id)
        .where(t.payment_methods.c.customer_id == customer_id)
        .where(t.payment_methods.c.last4 == last4)
        .order_by(t.payment_methods.c.expires_on.desc(), t.payment_methods.c.id)
    ).first()
    return row.id if row else None


class MethodColumns(Protocol):
    """A saved method's columns, as a row or under other names in a joined row."""

    id: str
    kind: Literal["card", "bank"]
    brand: str
    last4: str
    expires_on: date | None
    is_default: bool


def method_view(row: MethodColumns, today: date) -> PaymentMethodView:
    """A saved method as a customer sees it: brand and last digits only."""
    expires_on = row.expires_on
    return PaymentMethodView(
        payment_method_id=row.id,
        kind=row.kind,
        brand=row.brand,
        last4=row.last4,
        expires_on=expires_on,
        is_default=row.is_default,
        expired=expires_on is not None and expires_on < today,
    )


def method_views(conn: Connection, customer_id: str, today: date) -> list[PaymentMethodView]:
    """The customer's saved payment methods, default first."""
    rows = conn.execute(
        select(t.payment_methods)
        .where(t.payment_methods.c.customer_id == customer_id)
        .order_by(t.payment_methods.c.is_default.desc(), t.payment_methods.c.id)
    ).all()
    return [method_view(row, today) for row in rows]


def instalment_view(row: Row[Any], currency: str, today: date) -> InstalmentView:
    """One instalment with money as amounts and its effective status."""
    return InstalmentView(
        seq=row.seq,
        due_on=row.due_on,
        amount=amount(row.amount_minor),
        currency=currency,
        status=effective_status(row.status, row.due_on, today),  # type: ignore[arg-type]
        paid_on=row.paid_on,
        postponed=row.postponed,
        original_due_on=row.original_due_on,
        late_fee=amount(row.late_fee_minor),
    )


def order_views(
    conn: Connection, customer_id: str, where: list[Any], limit: int
) -> tuple[list[OrderView], int]:
    """The customer's orders, newest first, with plan and return summaries; and the total."""
    # Correlated subqueries, and the total as a window over the same rows, keep this to one
    # round trip however many orders are listed.
    next_due = (
        select(func.min(t.instalments.c.due_on))
        .where(t.instalments.c.plan_id == t.payment_plans.c.id)
        .where(t.instalments.c.status != "paid")
        .scalar_subquery()
    )
    newest_return = (
        select(t.returns.c.status)
        .where(t.returns.c.order_id == t.orders.c.id)
        .order_by(t.returns.c.created_on.desc(), t.returns.c.id.desc())
        .limit(1)
        .scalar_subquery()
    )
    base = (
        select(t.orders, t.merchants.c.name.label("merchant"),
               t.payment_plans.c.kind.label("plan_kind"),
               t.payment_plans.c.status.label("plan_status"),
               next_due.label("next_due_on"), newest_return.label("return_status"),
               func.count().over().label("total"))
        .join(t.merchants, t.merchants.c.id == t.orders.c.merchant_id)
        .outerjoin(t.payment_plans, t.payment_plans.c.order_id == t.orders.c.id)
        .where(t.orders.c.customer_id == customer_id, *where)
    )
    rows = conn.execute(
        base.order_by(t.orders.c.created_on.desc(), t.orders.c.id.desc()).limit(limit)
    ).all()
    return [_order_view(row) for row in rows], int(rows[0].total) if rows else 0


def _order_view(row: Row[Any]) -> OrderView:
    return OrderView(
        order_id=row.id,
        merchant=row.merchant,
        description=row.description,
        amount=amount(row.amount_minor),
        currency=row.currency,
        status=row.status,
        created_on=row.created_on,
        delivered_on=row.delivered_on,
        plan_kind=row.plan_kind,
        plan_status=row.plan_status,
        next_due_on=row.next_due_on,
        return_status=row.return_status,
    )


def refund_view(row: Row[Any], processing_days: int) -> RefundView:
    """A refund with the day a pending one should arrive."""
    expected = (
        row.requested_on + timedelta(days=processing_days) if row.status == "pending" else None
    )
    return RefundView(
        refund_id=row.id,
        order_id=row.order_id,
        amount=amount(row.amount_minor),
        currency=row.currency,
        status=row.status,
        requested_on=row.requested_on,
        completed_on=row.completed_on,
        expected_by=expected,
    )
