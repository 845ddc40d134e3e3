"""The retail store's own tables, on their own MetaData and with an `rt_` prefix.

They stand in for the store's own system: relaydesk reads and changes them only through the
pack's tools. Money is kept in cents so no float ever takes part in a sum; `position` keeps
the order of the lists in db.json, so an export has the same shape as the file.
"""

from __future__ import annotations

from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    ForeignKey,
    Integer,
    MetaData,
    String,
    Table,
)

metadata = MetaData(
    naming_convention={
        "ix": "ix_%(column_0_label)s",
        "uq": "uq_%(table_name)s_%(column_0_name)s",
        "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
        "pk": "pk_%(table_name)s",
    }
)

products = Table(
    "rt_products",
    metadata,
    Column("product_id", String(20), primary_key=True),
    Column("name", String(100), nullable=False),
    Column("position", Integer, nullable=False),
)

variants = Table(
    "rt_variants",
    metadata,
    Column("item_id", String(20), primary_key=True),
    Column("product_id", String(20), ForeignKey("rt_products.product_id"), nullable=False,
           index=True),
    Column("options", JSON, nullable=False),  # {"color": "blue", "size": "M"}
    Column("available", Boolean, nullable=False),
    Column("price_cents", Integer, nullable=False),
    Column("position", Integer, nullable=False),
)

users = Table(
    "rt_users",
    metadata,
    Column("user_id", String(60), primary_key=True),
    Column("first_name", String(100), nullable=False),
    Column("last_name", String(100), nullable=False),
    Column("email", String(254), nullable=False, index=True),
    Column("address1", String(200), nullable=False),
    Column("address2", String(200), nullable=False),
    Column("city", String(100), nullable=False),
    Column("state", String(60), nullable=False),
    Column("country", String(60), nullable=False),
    Column("zip", String(20), nullable=False, index=True),
    Column("position", Integer, nullable=False),
)

payment_methods = Table(
    "rt_payment_methods",
    metadata,
    Column("payment_method_id", String(60), primary_key=True),
    Column("user_id", String(60), ForeignKey("rt_users.user_id"), nullable=False, index=True),
    Column("source", String(20), nullable=False),  # credit_card | paypal | gift_card
    Column("brand", String(40)),  # credit cards only
    Column("last_four", String(4)),  # credit cards only
    Column("balance_cents", Integer),  # gift cards only
    Column("position", Integer, nullable=False),
)

orders = Table(
    "rt_orders",
    metadata,
    Column("order_id", String(20), primary_key=True),  # #W2378156
    Column("user_id", String(60), ForeignKey("rt_users.user_id"), nullable=False, index=True),
    Column("address1", String(200), nullable=False),
    Column("address2", String(200), nullable=False),
    Column("city", String(100), nullable=False),
    Column("state", String(60), nullable=False),
    Column("country", String(60), nullable=False),
    Column("zip", String(20), nullable=False),
    # pending | processed | delivered | cancelled, then what an action leaves:
    # pending (item modified) | return requested | exchange requested
    Column("status", String(40), nullable=False),
    Column("cancel_reason", String(40)),
    Column("return_items", JSON),
    Column("return_payment_method_id", String(60)),
    Column("exchange_items", JSON),
    Column("exchange_new_items", JSON),
    Column("exchange_payment_method_id", String(60)),
    Column("exchange_price_difference_cents", Integer),
    Column("position", Integer, nullable=False),  # in the file's order list
    Column("user_position", Integer, nullable=False),  # in the user's own order list
)

order_items = Table(
    "rt_order_items",
    metadata,
    Column("order_id", String(20), ForeignKey("rt_orders.order_id"), primary_key=True),
    Column("position", Integer, primary_key=True),
    Column("item_id", String(20), nullable=False),
    Column("product_id", String(20), nullable=False),
    Column("name", String(100), nullable=False),
    Column("price_cents", Integer, nullable=False),
    Column("options", JSON, nullable=False),
)

fulfillments = Table(
    "rt_fulfillments",
    metadata,
    Column("order_id", String(20), ForeignKey("rt_orders.order_id"), primary_key=True),
    Column("position", Integer, primary_key=True),
    Column("tracking_ids", JSON, nullable=False),
    Column("item_ids", JSON, nullable=False),
)

payments = Table(
    "rt_payments",
    metadata,
    Column("order_id", String(20), ForeignKey("rt_orders.order_id"), primary_key=True),
    Column("position", Integer, primary_key=True),
    Column("transaction_type", String(10), nullable=False),  # payment | refund
    Column("amount_cents", Integer, nullable=False),
    Column("payment_method_id", String(60), nullable=False),
)

# Insert order respects foreign keys; deletes run in reverse.
TABLE_ORDER: tuple[Table, ...] = (
    products,
    variants,
    users,
    payment_methods,
    orders,
    order_items,
    fulfillments,
    payments,
)
