"""Changing a pending order: cancel it, or change its address, payment method or items."""

from __future__ import annotations

from sqlalchemy import Connection

from relaydesk.packs.retail.operations.base import Ctx, customer_order, need
from relaydesk.packs.retail.operations.changes import (
    add_payment,
    move_gift_card_balance,
    replace_items,
    set_order,
)
from relaydesk.packs.retail.operations.queries import (
    ADDRESS_FIELDS,
    load_method,
    load_variant,
    order_details,
)
from relaydesk.packs.retail.operations.schemas import (
    CancelParams,
    ChangeItemsParams,
    ModifyOrderAddressParams,
    ModifyPaymentParams,
    OrderView,
)
from relaydesk.packs.retail.policy import (
    ITEMS_MODIFIED,
    PENDING,
    OrderFacts,
    decide_address_change,
    decide_cancel,
    decide_item_change,
    decide_payment_change,
    price_difference,
)
from relaydesk.tools import PolicyDecision

Decision = tuple[PolicyDecision, OrderFacts | None]


def _then(decision: PolicyDecision, order: OrderFacts | None, rule: PolicyDecision) -> Decision:
    """The ownership refusal if there is one, else the rule's decision with the order."""
    if not decision.allowed:
        return decision, None
    return rule, order if rule.allowed else None


# --- cancel_pending_order ---------------------------------------------------------------


def decide_cancel_order(conn: Connection, ctx: Ctx, params: CancelParams) -> Decision:
    decision, order = customer_order(conn, ctx, params.order_id)
    if order is None:
        return decision, None
    return _then(decision, order, decide_cancel(order, params.reason))


def cancel_pending_order(
    conn: Connection, _ctx: Ctx, params: CancelParams, facts: OrderFacts | None
) -> OrderView:
    """Cancelled with its reason; every payment refunded, a gift card at once."""
    order = need(facts)
    for paid in order.payments:
        if paid.transaction_type == "payment":
            add_payment(conn, order.order_id, "refund", paid.amount_cents, paid.payment_method_id)
            move_gift_card_balance(conn, paid.payment_method_id, paid.amount_cents)
    set_order(conn, order.order_id, status="cancelled", cancel_reason=params.reason)
    return order_details(conn, order.order_id)


# --- modify_pending_order_address -------------------------------------------------------


def decide_order_address(conn: Connection, ctx: Ctx, params: ModifyOrderAddressParams) -> Decision:
    decision, order = customer_order(conn, ctx, params.order_id)
    if order is None:
        return decision, None
    return _then(decision, order, decide_address_change(order))


def modify_pending_order_address(
    conn: Connection, _ctx: Ctx, params: ModifyOrderAddressParams, facts: OrderFacts | None
) -> OrderView:
    order = need(facts)
    set_order(conn, order.order_id, **{f: getattr(params, f) for f in ADDRESS_FIELDS})
    return order_details(conn, order.order_id)


# --- modify_pending_order_payment -------------------------------------------------------


def decide_order_payment(conn: Connection, ctx: Ctx, params: ModifyPaymentParams) -> Decision:
    decision, order = customer_order(conn, ctx, params.order_id)
    if order is None:
        return decision, None
    method = load_method(conn, params.payment_method_id)
    return _then(decision, order, decide_payment_change(order, method))


def modify_pending_order_payment(
    conn: Connection, _ctx: Ctx, params: ModifyPaymentParams, facts: OrderFacts | None
) -> OrderView:
    """The new method pays the total and the old one is refunded; gift cards move at once."""
    order = need(facts)
    paid = order.payments[0]
    new_method = params.payment_method_id
    add_payment(conn, order.order_id, "payment", paid.amount_cents, new_method)
    add_payment(conn, order.order_id, "refund", paid.amount_cents, paid.payment_method_id)
    move_gift_card_balance(conn, new_method, -paid.amount_cents)
    move_gift_card_balance(conn, paid.payment_method_id, paid.amount_cents)
    return order_details(conn, order.order_id)


# --- modify_pending_order_items ---------------------------------------------------------


def decide_item_modification(conn: Connection, ctx: Ctx, params: ChangeItemsParams) -> Decision:
    decision, order = customer_order(conn, ctx, params.order_id)
    if order is None:
        return decision, None
    new_items = [load_variant(conn, item_id) for item_id in params.new_item_ids]
    method = load_method(conn, params.payment_method_id)
    rule = decide_item_change(order, params.item_ids, new_items, method, PENDING)
    return _then(decision, order, rule)


def modify_pending_order_items(
    conn: Connection, _ctx: Ctx, params: ChangeItemsParams, facts: OrderFacts | None
) -> OrderView:
    """Items replaced in place, the difference paid or refunded; the order can't change again."""
    order = need(facts)
    new_items = [need(load_variant(conn, item_id)) for item_id in params.new_item_ids]
    difference = price_difference(order, params.item_ids, new_items)
    kind = "payment" if difference > 0 else "refund"
    add_payment(conn, order.order_id, kind, abs(difference), params.payment_method_id)
    move_gift_card_balance(conn, params.payment_method_id, -difference)
    replace_items(conn, order.order_id, params.item_ids, params.new_item_ids)
    set_order(conn, order.order_id, status=ITEMS_MODIFIED)
    return order_details(conn, order.order_id)
