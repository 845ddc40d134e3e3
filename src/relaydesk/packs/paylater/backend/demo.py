"""Fixed demo customers the product demo and conversation tests rely on.

Ids are stable and every date is relative to `today`, so the story is the same whenever the
demo runs: Alice's next instalment is always due in three days.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from relaydesk.packs.paylater.backend import tables as t
from relaydesk.packs.paylater.backend.rows import BackendRows, Row, settle

ALICE_ID = "cust-alice"
ALICE_EMAIL = "alice@example.com"
ALICE_PLAN_ORDER_ID = "ORD-100001"  # pay in 4, next instalment due in 3 days: postponable
ALICE_REFUND_ORDER_ID = "ORD-100002"  # paid, returned, refund in progress
ALICE_REFUND_ID = "RF-100002"
ALICE_DISPUTE_ORDER_ID = "ORD-100003"  # delivered 16 days ago, no dispute yet
ALICE_LARGE_ORDER_ID = "ORD-100004"  # 1,249 EUR: a refund above the limit needs approval
ALICE_RETURN_ORDER_ID = "ORD-100005"  # return in transit: payments can be paused
ALICE_POSTPONED_ORDER_ID = "ORD-100006"  # already postponed once: no second postponement
ALICE_OLD_ORDER_ID = "ORD-100007"  # delivered long ago: outside the dispute window
ALICE_CARD_ID = "pm-alice-visa"
ALICE_SPARE_CARD_ID = "pm-alice-mastercard"
ALICE_BANK_ID = "pm-alice-bank"
ALICE_EXPIRED_CARD_ID = "pm-alice-expired"

SVEN_ID = "cust-sven"
SVEN_EMAIL = "sven.svensson@example.com"
SVEN_PLAN_ORDER_ID = "ORD-200001"  # pay in 4 in SEK, next instalment due in 5 days
SVEN_OVERDUE_ORDER_ID = "ORD-200002"  # overdue with a late fee: cannot be postponed
SVEN_REFUNDED_ORDER_ID = "ORD-200003"  # returned and refunded in full
SVEN_REFUND_ID = "RF-200003"
SVEN_CARD_ID = "pm-sven-mastercard"
SVEN_BANK_ID = "pm-sven-bank"

DEMO_CUSTOMER_IDS = (ALICE_ID, SVEN_ID)


def _days(today: date, offset: int) -> date:
    return today + timedelta(days=offset)


def _order(rows: BackendRows, today: date, **fields: Any) -> Row:
    """An order placed `created` days from today and delivered `delivered` days from today."""
    created, delivered = fields.pop("created"), fields.pop("delivered")
    return rows.add(
        t.orders,
        status=fields.pop("status", "delivered"),
        created_on=_days(today, created),
        delivered_on=None if delivered is None else _days(today, delivered),
        **fields,
    )


def _plan(rows: BackendRows, today: date, order: Row, kind: str, method_id: str) -> list[Row]:
    """A plan whose instalments due before today are paid and the rest scheduled."""
    plan_id = "PL-" + order["id"].removeprefix("ORD-")
    instalments = rows.add_plan(plan_id, order, kind, method_id)
    for item in instalments:
        if item["due_on"] <= today:
            settle(item, today, order["currency"], paid=True)
    if all(item["status"] == "paid" for item in instalments):
        rows.by_table[t.payment_plans.name][-1]["status"] = "completed"
    return instalments


def add_alice(rows: BackendRows, today: date) -> None:
    """Alice Andersson: English-speaking, several orders in EUR, one of each demo situation."""
    _alice_account(rows, today)
    _alice_plans(rows, today)
    _alice_aftercare(rows, today)


def _alice_account(rows: BackendRows, today: date) -> None:
    rows.add(
        t.customers, id=ALICE_ID, name="Alice Andersson", email=ALICE_EMAIL,
        phone="+46 70 123 45 67", street="Sveavägen 12", postal_code="113 50",
        city="Stockholm", country="SE", language="en", created_on=_days(today, -400),
    )
    for method_id, kind, brand, last4, expires, default in (
        (ALICE_CARD_ID, "card", "Visa", "4242", date(today.year + 2, 12, 31), True),
        (ALICE_SPARE_CARD_ID, "card", "Mastercard", "5454", date(today.year + 1, 8, 31), False),
        (ALICE_BANK_ID, "bank", "Swedbank", "1234", None, False),
        (ALICE_EXPIRED_CARD_ID, "card", "Visa", "1111", date(today.year - 1, 6, 30), False),
    ):
        rows.add(
            t.payment_methods, id=method_id, customer_id=ALICE_ID, kind=kind, brand=brand,
            last4=last4, expires_on=expires, is_default=default,
        )


def _alice_plans(rows: BackendRows, today: date) -> None:
    common = {"customer_id": ALICE_ID, "currency": "EUR"}
    plan_order = _order(rows, today, id=ALICE_PLAN_ORDER_ID, merchant_id="m-tonwerk",
                        description="Wireless headphones", amount_minor=24000,
                        created=-25, delivered=-22, **common)
    _plan(rows, today, plan_order, "pay_in_4", ALICE_CARD_ID)

    large_order = _order(rows, today, id=ALICE_LARGE_ORDER_ID, merchant_id="m-pixel",
                         description="Television", amount_minor=124900,
                         created=-10, delivered=-7, **common)
    _plan(rows, today, large_order, "pay_in_4", ALICE_CARD_ID)

    postponed_order = _order(rows, today, id=ALICE_POSTPONED_ORDER_ID, merchant_id="m-atelier",
                             description="Sneakers", amount_minor=11960,
                             created=-12, delivered=-9, **common)
    second = _plan(rows, today, postponed_order, "pay_in_4", ALICE_CARD_ID)[1]
    second.update(original_due_on=second["due_on"], postponed=True,
                  due_on=second["due_on"] + timedelta(days=7))


def _alice_aftercare(rows: BackendRows, today: date) -> None:
    common = {"customer_id": ALICE_ID, "currency": "EUR"}
    refund_order = _order(rows, today, id=ALICE_REFUND_ORDER_ID, merchant_id="m-stoffwerk",
                          description="Winter coat", amount_minor=14990,
                          created=-45, delivered=-41, **common)
    _plan(rows, today, refund_order, "pay_in_30", ALICE_CARD_ID)
    rows.add(t.returns, id="RT-100002", order_id=ALICE_REFUND_ORDER_ID, status="received",
             created_on=_days(today, -9))
    rows.add(t.refunds, id=ALICE_REFUND_ID, order_id=ALICE_REFUND_ORDER_ID,
             amount_minor=14990, currency="EUR", status="pending", reason="returned_item",
             requested_on=_days(today, -3), completed_on=None, requested_by="merchant",
             approved_by=None)

    dispute_order = _order(rows, today, id=ALICE_DISPUTE_ORDER_ID, merchant_id="m-fjordline",
                           description="Running shoes", amount_minor=8900,
                           created=-20, delivered=-16, **common)
    _plan(rows, today, dispute_order, "pay_in_30", ALICE_CARD_ID)

    return_order = _order(rows, today, id=ALICE_RETURN_ORDER_ID, merchant_id="m-tulp",
                          description="Oak dining chairs", amount_minor=32000,
                          created=-16, delivered=-12, **common)
    _plan(rows, today, return_order, "pay_in_4", ALICE_SPARE_CARD_ID)
    rows.add(t.returns, id="RT-100005", order_id=ALICE_RETURN_ORDER_ID, status="in_transit",
             created_on=_days(today, -5))

    old_order = _order(rows, today, id=ALICE_OLD_ORDER_ID, merchant_id="m-fjordline",
                       description="Bike helmet", amount_minor=5900,
                       created=-200, delivered=-196, **common)
    _plan(rows, today, old_order, "pay_in_30", ALICE_CARD_ID)


def add_sven(rows: BackendRows, today: date) -> None:
    """Sven Svensson: Swedish-speaking, pays in SEK, one instalment overdue."""
    rows.add(
        t.customers, id=SVEN_ID, name="Sven Svensson", email=SVEN_EMAIL,
        phone="+46 70 765 43 21", street="Linnégatan 8", postal_code="413 04",
        city="Göteborg", country="SE", language="sv", created_on=_days(today, -300),
    )
    rows.add(t.payment_methods, id=SVEN_CARD_ID, customer_id=SVEN_ID, kind="card",
             brand="Mastercard", last4="1881", expires_on=date(today.year + 3, 3, 31),
             is_default=True)
    rows.add(t.payment_methods, id=SVEN_BANK_ID, customer_id=SVEN_ID, kind="bank",
             brand="Handelsbanken", last4="5678", expires_on=None, is_default=False)
    common = {"customer_id": SVEN_ID, "currency": "SEK"}
    plan_order = _order(rows, today, id=SVEN_PLAN_ORDER_ID, merchant_id="m-nordlys",
                        description="Ski jacket", amount_minor=219600,
                        created=-23, delivered=-20, **common)
    _plan(rows, today, plan_order, "pay_in_4", SVEN_CARD_ID)

    overdue_order = _order(rows, today, id=SVEN_OVERDUE_ORDER_ID, merchant_id="m-kvarn",
                           description="Coffee machine", amount_minor=149000,
                           created=-36, delivered=-33, **common)
    (due,) = rows.add_plan("PL-200002", overdue_order, "pay_in_30", SVEN_CARD_ID)
    settle(due, today, "SEK", paid=False)

    refunded_order = _order(rows, today, id=SVEN_REFUNDED_ORDER_ID, merchant_id="m-sodermode",
                            description="Wool sweater", amount_minor=89900, status="returned",
                            created=-60, delivered=-56, **common)
    _plan(rows, today, refunded_order, "pay_in_30", SVEN_CARD_ID)
    rows.add(t.returns, id="RT-200003", order_id=SVEN_REFUNDED_ORDER_ID, status="completed",
             created_on=_days(today, -50))
    rows.add(t.refunds, id=SVEN_REFUND_ID, order_id=SVEN_REFUNDED_ORDER_ID,
             amount_minor=89900, currency="SEK", status="completed", reason="returned_item",
             requested_on=_days(today, -45), completed_on=_days(today, -40),
             requested_by="merchant", approved_by=None)


def add_demo_customers(rows: BackendRows, today: date) -> None:
    """Add every fixed demo customer."""
    add_alice(rows, today)
    add_sven(rows, today)
