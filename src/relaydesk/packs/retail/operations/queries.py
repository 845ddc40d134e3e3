"""Reading the store into policy facts and result views."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, select

from relaydesk.packs.retail.backend import tables as t
from relaydesk.packs.retail.backend.snapshot import order_view, payment_method_view
from relaydesk.packs.retail.operations.schemas import (
    Address,
    OrderView,
    PaymentMethodView,
    ProductView,
    UserView,
    VariantView,
)
from relaydesk.packs.retail.policy import (
    ItemFacts,
    MethodFacts,
    OrderFacts,
    PaymentFacts,
    VariantFacts,
    money,
)

ADDRESS_FIELDS = ("address1", "address2", "city", "state", "country", "zip")


def lock_user(conn: Connection, user_id: str) -> None:
    """Serialise every change to one customer's account (a row lock on PostgreSQL)."""
    conn.execute(select(t.users.c.user_id).where(t.users.c.user_id == user_id).with_for_update())


def _rows(conn: Connection, table: Any, order_id: str) -> list[dict[str, Any]]:
    query = select(table).where(table.c.order_id == order_id).order_by(table.c.position)
    return [dict(row._mapping) for row in conn.execute(query)]


def load_order(conn: Connection, order_id: str) -> OrderFacts | None:
    """What the rules need about one order, or None if there is no such order."""
    row = conn.execute(select(t.orders).where(t.orders.c.order_id == order_id)).first()
    if row is None:
        return None
    items = _rows(conn, t.order_items, order_id)
    paid = _rows(conn, t.payments, order_id)
    return OrderFacts(
        order_id=order_id,
        user_id=row.user_id,
        status=row.status,
        items=tuple(ItemFacts(i["item_id"], i["product_id"], i["price_cents"]) for i in items),
        payments=tuple(
            PaymentFacts(p["transaction_type"], p["amount_cents"], p["payment_method_id"])
            for p in paid
        ),
    )


def order_details(conn: Connection, order_id: str) -> OrderView:
    """One order in full, as a customer may see it."""
    row = conn.execute(select(t.orders).where(t.orders.c.order_id == order_id)).one()
    view = order_view(
        dict(row._mapping),
        _rows(conn, t.order_items, order_id),
        _rows(conn, t.fulfillments, order_id),
        _rows(conn, t.payments, order_id),
    )
    return OrderView.model_validate(view)


def load_method(conn: Connection, payment_method_id: str) -> MethodFacts | None:
    """A saved payment method, or None."""
    query = select(t.payment_methods).where(
        t.payment_methods.c.payment_method_id == payment_method_id
    )
    row = conn.execute(query).first()
    if row is None:
        return None
    return MethodFacts(row.payment_method_id, row.user_id, row.source, row.balance_cents)


def load_variant(conn: Connection, item_id: str) -> VariantFacts | None:
    """A product variant by item id, or None."""
    row = conn.execute(select(t.variants).where(t.variants.c.item_id == item_id)).first()
    if row is None:
        return None
    return VariantFacts(row.item_id, row.product_id, row.available, row.price_cents)


def variant_row(conn: Connection, item_id: str) -> dict[str, Any]:
    """A variant with its product's name, for writing it into an order."""
    query = (
        select(t.variants, t.products.c.name)
        .join(t.products, t.products.c.product_id == t.variants.c.product_id)
        .where(t.variants.c.item_id == item_id)
    )
    return dict(conn.execute(query).one()._mapping)


def variant_view(row: Any) -> VariantView:
    return VariantView(
        item_id=row.item_id, options=row.options, available=row.available,
        price=money(row.price_cents),
    )


def product_details(conn: Connection, product_id: str) -> ProductView | None:
    """A product with every variant, or None."""
    product = conn.execute(
        select(t.products).where(t.products.c.product_id == product_id)
    ).first()
    if product is None:
        return None
    query = select(t.variants).where(t.variants.c.product_id == product_id)
    variants = conn.execute(query.order_by(t.variants.c.position)).all()
    return ProductView(
        name=product.name,
        product_id=product_id,
        variants={row.item_id: variant_view(row) for row in variants},
    )


def user_details(conn: Connection, user_id: str) -> UserView | None:
    """A customer's profile: name, email, address, payment methods and order ids."""
    user = conn.execute(select(t.users).where(t.users.c.user_id == user_id)).first()
    if user is None:
        return None
    methods = conn.execute(
        select(t.payment_methods)
        .where(t.payment_methods.c.user_id == user_id)
        .order_by(t.payment_methods.c.position)
    ).all()
    orders = conn.execute(
        select(t.orders.c.order_id)
        .where(t.orders.c.user_id == user_id)
        .order_by(t.orders.c.user_position)
    ).scalars()
    return UserView(
        user_id=user_id,
        first_name=user.first_name,
        last_name=user.last_name,
        email=user.email,
        address=Address(**{field: getattr(user, field) for field in ADDRESS_FIELDS}),
        payment_methods=[
            PaymentMethodView.model_validate(
                {**payment_method_view(dict(m._mapping)), "payment_method_id": m.payment_method_id}
            )
            for m in methods
        ],
        orders=list(orders),
    )
