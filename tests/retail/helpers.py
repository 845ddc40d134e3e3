"""Calling the store's tools as a conversation would, and reading the store back."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Engine

from relaydesk.packs.retail.backend import export_snapshot
from relaydesk.packs.retail.tools import retail_context
from relaydesk.tools import ToolOutcome, ToolRegistry

# Customers and orders of db.json the tests rely on.
YUSUF = "yusuf_rossi_9620"  # Yusuf Rossi, zip 19122
YUSUF_DELIVERED = "#W2378156"  # keyboard 1151293680, thermostat 4983901480; credit_card_9513926
YUSUF_CARD = "credit_card_9513926"


def call(
    tools: ToolRegistry, store: Engine, name: str, customer: str | None, **params: Any
) -> ToolOutcome:
    """One tool call for this authenticated customer (None: nobody is authenticated yet)."""
    return tools.execute(name, params, retail_context(store, customer), timeout_s=10.0)


def order(store: Engine, order_id: str) -> dict[str, Any]:
    with store.connect() as conn:
        snapshot = export_snapshot(conn)
    result: dict[str, Any] = snapshot["orders"][order_id]
    return result


def snapshot(store: Engine) -> dict[str, Any]:
    with store.connect() as conn:
        return export_snapshot(conn)

OLIVIA = "olivia_ito_3591"  # Olivia Ito, zip 80218, olivia.ito5204@example.com
OLIVIA_GIFT_CARD = "gift_card_7794233"  # balance 56.00
OLIVIA_PAYPAL = "paypal_8049766"
OLIVIA_CARD = "credit_card_9753331"
OLIVIA_PENDING = "#W5442520"  # paid 663.85 by card; gaming mouse 3330317167 at 137.32
OLIVIA_GIFT_PAID = "#W3657213"  # pending, paid 3570.34 by gift card
OLIVIA_DELIVERED = "#W5866402"  # paid 3203.78 by PayPal; espresso 6242772310, sneakers 9727387530
OLIVIA_PROCESSED = "#W5353646"
MOUSE = "3330317167"
MOUSE_WIRED_LASER = "2193628750"  # 162.15, available
MOUSE_UNAVAILABLE = "7420906769"
SNEAKERS = "9727387530"
ESPRESSO = "6242772310"
ESPRESSO_19_BAR_1_5L = "3951031513"  # 3289.46, available
