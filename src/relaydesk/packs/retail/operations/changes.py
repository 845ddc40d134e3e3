"""Writing an action's effects into the store's rows (called only after the policy allowed it)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, func, insert, select, update

from relaydesk.packs.retail.backend import tables as t
from relaydesk.packs.retail.operations.queries import variant_row


def add_payment(
    conn: Connection, order_id: str, kind: str, amount_cents: int, payment_method_id: str
) -> None:
    """Append a payment or refund to the order's payment history."""
    last = conn.execute(
        select(func.max(t.payments.c.position)).where(t.payments.c.order_id == order_id)
    ).scalar()
    conn.execute(insert(t.payments).values(
        order_id=order_id, position=(-1 if last is None else last) + 1,
        transaction_type=kind, amount_cents=amount_cents, payment_method_id=payment_method_id,
    ))


def move_gift_card_balance(conn: Connection, payment_method_id: str, cents: int) -> None:
    """Add to (or, negative, take from) a gift card's balance; other methods hold none."""
    method = t.payment_methods
    conn.execute(
        update(method)
        .where(method.c.payment_method_id == payment_method_id, method.c.source == "gift_card")
        .values(balance_cents=method.c.balance_cents + cents)
    )


def set_order(conn: Connection, order_id: str, **values: Any) -> None:
    """Change columns of one order."""
    conn.execute(update(t.orders).where(t.orders.c.order_id == order_id).values(**values))


def replace_items(conn: Connection, order_id: str, item_ids: list[str], new_ids: list[str]) -> None:
    """Each old item becomes its new variant in place: id, price and options (the first
    not yet replaced occurrence, so an item named twice changes two lines)."""
    rows = conn.execute(
        select(t.order_items.c.position, t.order_items.c.item_id)
        .where(t.order_items.c.order_id == order_id)
        .order_by(t.order_items.c.position)
    ).all()
    free = [(row.position, row.item_id) for row in rows]
    for old_id, new_id in zip(item_ids, new_ids, strict=True):
        position = next(pos for pos, item_id in free if item_id == old_id)
        free.remove((position, old_id))
        variant = variant_row(conn, new_id)
        conn.execute(
            update(t.order_items)
            .where(t.order_items.c.order_id == order_id, t.order_items.c.position == position)
            .values(item_id=new_id, price_cents=variant["price_cents"], options=variant["options"])
        )
