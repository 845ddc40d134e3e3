"""The demo pay-later company's own tables, on their own MetaData and with a `pl_` prefix.

They stand in for an operator's existing system: relaydesk reads and changes them only through
the pack's tools. Money is kept in minor units (cents, öre) so no float ever touches it.
"""

from __future__ import annotations

from sqlalchemy import (
    Boolean,
    Column,
    Date,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
)

metadata = MetaData(
    naming_convention={
        "ix": "ix_%(column_0_label)s",
        "uq": "uq_%(table_name)s_%(column_0_name)s",
        "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
        "pk": "pk_%(table_name)s",
    }
)

customers = Table(
    "pl_customers",
    metadata,
    Column("id", String(40), primary_key=True),
    Column("name", String(200), nullable=False),
    Column("email", String(254), nullable=False, unique=True),
    Column("phone", String(40), nullable=False),
    Column("street", String(200), nullable=False),
    Column("postal_code", String(20), nullable=False),
    Column("city", String(100), nullable=False),
    Column("country", String(2), nullable=False),
    Column("language", String(8), nullable=False),
    Column("created_on", Date, nullable=False),
)

merchants = Table(
    "pl_merchants",
    metadata,
    Column("id", String(40), primary_key=True),
    Column("name", String(200), nullable=False),
    Column("category", String(60), nullable=False),
    Column("country", String(2), nullable=False),
    Column("url", String(200), nullable=False),
)

payment_methods = Table(
    "pl_payment_methods",
    metadata,
    Column("id", String(40), primary_key=True),
    Column("customer_id", String(40), ForeignKey("pl_customers.id"), nullable=False, index=True),
    Column("kind", String(8), nullable=False),  # card | bank
    Column("brand", String(40), nullable=False),  # Visa, Mastercard, or the bank's name
    Column("last4", String(4), nullable=False),
    Column("expires_on", Date),  # cards only: the last day the card works
    Column("is_default", Boolean, nullable=False),
)

orders = Table(
    "pl_orders",
    metadata,
    Column("id", String(16), primary_key=True),  # ORD-123456
    Column("customer_id", String(40), ForeignKey("pl_customers.id"), nullable=False, index=True),
    Column("merchant_id", String(40), ForeignKey("pl_merchants.id"), nullable=False),
    Column("description", String(200), nullable=False),
    Column("amount_minor", Integer, nullable=False),
    Column("currency", String(3), nullable=False),
    Column("status", String(16), nullable=False),  # placed | shipped | delivered | returned
    Column("created_on", Date, nullable=False),
    Column("delivered_on", Date),
)

payment_plans = Table(
    "pl_payment_plans",
    metadata,
    Column("id", String(16), primary_key=True),
    Column("order_id", String(16), ForeignKey("pl_orders.id"), nullable=False, unique=True),
    Column("kind", String(16), nullable=False),  # pay_in_4 | pay_in_30
    Column("status", String(16), nullable=False),  # active | paused | completed | cancelled
    Column("payment_method_id", String(40), ForeignKey("pl_payment_methods.id"), nullable=False),
    Column("paused_until", Date),
)

instalments = Table(
    "pl_instalments",
    metadata,
    Column("id", String(24), primary_key=True),
    Column("plan_id", String(16), ForeignKey("pl_payment_plans.id"), nullable=False, index=True),
    Column("seq", Integer, nullable=False),
    Column("due_on", Date, nullable=False),
    Column("amount_minor", Integer, nullable=False),
    Column("status", String(16), nullable=False),  # scheduled | paid | overdue
    Column("paid_on", Date),
    Column("postponed", Boolean, nullable=False),
    Column("original_due_on", Date),  # set when postponed or paused
    Column("late_fee_minor", Integer, nullable=False),
    Index("ix_pl_instalments_due_on", "due_on"),
)

returns = Table(
    "pl_returns",
    metadata,
    Column("id", String(16), primary_key=True),  # RT-123456
    Column("order_id", String(16), ForeignKey("pl_orders.id"), nullable=False, index=True),
    # requested | in_transit | received are "in progress"; completed | rejected are final
    Column("status", String(16), nullable=False),
    Column("created_on", Date, nullable=False),
)

refunds = Table(
    "pl_refunds",
    metadata,
    Column("id", String(16), primary_key=True),  # RF-123456
    Column("order_id", String(16), ForeignKey("pl_orders.id"), nullable=False, index=True),
    Column("amount_minor", Integer, nullable=False),
    Column("currency", String(3), nullable=False),
    Column("status", String(16), nullable=False),  # pending | completed | rejected
    Column("reason", String(200), nullable=False),
    Column("requested_on", Date, nullable=False),
    Column("completed_on", Date),
    Column("requested_by", String(64)),
    Column("approved_by", String(64)),
)

disputes = Table(
    "pl_disputes",
    metadata,
    Column("id", String(16), primary_key=True),  # DS-123456
    Column("order_id", String(16), ForeignKey("pl_orders.id"), nullable=False, index=True),
    Column("reason", String(24), nullable=False),  # not_received | wrong_item | not_as_described
    Column("status", String(16), nullable=False),  # open | under_review | resolved | rejected
    Column("description", Text, nullable=False),
    Column("opened_on", Date, nullable=False),
)

fee_rules = Table(
    "pl_fee_rules",
    metadata,
    Column("code", String(32), primary_key=True),  # late_fee
    Column("currency", String(3), primary_key=True),
    Column("amount_minor", Integer, nullable=False),
    Column("grace_days", Integer, nullable=False),  # days after the due date before it applies
    Column("cap_minor", Integer, nullable=False),  # most it can add up to on one order
)
