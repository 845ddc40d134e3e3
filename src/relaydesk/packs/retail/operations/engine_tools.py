"""Tools shaped for relaydesk's engine: verification (by email, or name and zip), orders."""

from __future__ import annotations

from sqlalchemy import Connection, func, select

from relaydesk.packs.retail.backend import tables as t
from relaydesk.packs.retail.operations.base import Ctx, need
from relaydesk.packs.retail.operations.schemas import (
    FindUserByNameZipParams,
    MyOrders,
    NoParams,
    OrderLine,
    Verification,
    VerifyByEmailParams,
)
from relaydesk.packs.retail.policy import verified
from relaydesk.tools import PolicyDecision, allow


def decide_verification(
    conn: Connection, _ctx: Ctx, params: VerifyByEmailParams
) -> tuple[PolicyDecision, str | None]:
    # Always allowed: an unknown email is an answer ("not verified"), not a refusal.
    query = select(t.users.c.user_id).where(func.lower(t.users.c.email) == params.email)
    return allow(), conn.execute(query).scalars().first()


def decide_verification_by_name_zip(
    conn: Connection, _ctx: Ctx, params: FindUserByNameZipParams
) -> tuple[PolicyDecision, str | None]:
    # As by email: details that match nobody are an answer, not a refusal.
    query = select(t.users.c.user_id).where(
        func.lower(t.users.c.first_name) == params.first_name.lower(),
        func.lower(t.users.c.last_name) == params.last_name.lower(),
        t.users.c.zip == params.zip,
    )
    return allow(), conn.execute(query.order_by(t.users.c.position)).scalars().first()


def verify_customer(
    _conn: Connection, ctx: Ctx, _params: object, user_id: str | None
) -> Verification:
    if user_id is None or (ctx.customer_id is not None and ctx.customer_id != user_id):
        return Verification(verified=False)
    return Verification(verified=True, customer_id=user_id)


def decide_my_orders(
    _conn: Connection, ctx: Ctx, _params: NoParams
) -> tuple[PolicyDecision, None]:
    return verified(ctx) or allow(), None


def list_my_orders(conn: Connection, ctx: Ctx, _params: NoParams, _facts: None) -> MyOrders:
    """The authenticated customer's orders with their status and item names."""
    user_id = need(ctx.customer_id)
    orders = conn.execute(
        select(t.orders.c.order_id, t.orders.c.status)
        .where(t.orders.c.user_id == user_id)
        .order_by(t.orders.c.user_position)
    ).all()
    items = conn.execute(
        select(t.order_items.c.order_id, t.order_items.c.name)
        .join(t.orders, t.orders.c.order_id == t.order_items.c.order_id)
        .where(t.orders.c.user_id == user_id)
        .order_by(t.order_items.c.order_id, t.order_items.c.position)
    ).all()
    lines = [
        OrderLine(order_id=o.order_id, status=o.status,
                  items=[i.name for i in items if i.order_id == o.order_id])
        for o in orders
    ]
    summary = "; ".join(f"{line.order_id} ({line.status}): {', '.join(line.items)}"
                        for line in lines)
    return MyOrders(orders=lines, summary=summary)
