"""Changing a delivered order: return items, or exchange them for other variants."""

from __future__ import annotations

from sqlalchemy import Connection

from relaydesk.packs.retail.operations.base import Ctx, customer_order, need
from relaydesk.packs.retail.operations.changes import set_order
from relaydesk.packs.retail.operations.queries import load_method, load_variant, order_details
from relaydesk.packs.retail.operations.schemas import ChangeItemsParams, OrderView, ReturnParams
from relaydesk.packs.retail.policy import (
    DELIVERED,
    EXCHANGE_REQUESTED,
    RETURN_REQUESTED,
    OrderFacts,
    decide_item_change,
    decide_return,
    price_difference,
)
from relaydesk.tools import PolicyDecision

Decision = tuple[PolicyDecision, OrderFacts | None]


def decide_order_return(conn: Connection, ctx: Ctx, params: ReturnParams) -> Decision:
    decision, order = customer_order(conn, ctx, params.order_id)
    if order is None:
        return decision, None
    rule = decide_return(order, params.item_ids, load_method(conn, params.payment_method_id))
    return rule, order if rule.allowed else None


def return_delivered_order_items(
    conn: Connection, _ctx: Ctx, params: ReturnParams, facts: OrderFacts | None
) -> OrderView:
    """Return requested; the customer gets an email on how to send the items back."""
    order = need(facts)
    set_order(
        conn, order.order_id, status=RETURN_REQUESTED, return_items=sorted(params.item_ids),
        return_payment_method_id=params.payment_method_id,
    )
    return order_details(conn, order.order_id)


def decide_order_exchange(conn: Connection, ctx: Ctx, params: ChangeItemsParams) -> Decision:
    decision, order = customer_order(conn, ctx, params.order_id)
    if order is None:
        return decision, None
    new_items = [load_variant(conn, item_id) for item_id in params.new_item_ids]
    method = load_method(conn, params.payment_method_id)
    rule = decide_item_change(order, params.item_ids, new_items, method, DELIVERED)
    return rule, order if rule.allowed else None


def exchange_delivered_order_items(
    conn: Connection, _ctx: Ctx, params: ChangeItemsParams, facts: OrderFacts | None
) -> OrderView:
    """Exchange requested with the price difference; no new order is placed."""
    order = need(facts)
    new_items = [need(load_variant(conn, item_id)) for item_id in params.new_item_ids]
    set_order(
        conn, order.order_id, status=EXCHANGE_REQUESTED,
        exchange_items=sorted(params.item_ids), exchange_new_items=sorted(params.new_item_ids),
        exchange_payment_method_id=params.payment_method_id,
        exchange_price_difference_cents=price_difference(order, params.item_ids, new_items),
    )
    return order_details(conn, order.order_id)
