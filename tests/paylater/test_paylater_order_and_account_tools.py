"""Order, refund, dispute and account tools against the real backend (SQLite and PostgreSQL)."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from sqlalchemy import Engine, func, select

from relaydesk.packs.paylater.backend import (
    ALICE_DISPUTE_ORDER_ID,
    ALICE_EMAIL,
    ALICE_EXPIRED_CARD_ID,
    ALICE_ID,
    ALICE_LARGE_ORDER_ID,
    ALICE_OLD_ORDER_ID,
    ALICE_PLAN_ORDER_ID,
    ALICE_REFUND_ID,
    ALICE_REFUND_ORDER_ID,
    ALICE_SPARE_CARD_ID,
    SVEN_EMAIL,
    SVEN_ID,
    SVEN_PLAN_ORDER_ID,
    SVEN_REFUND_ID,
)
from relaydesk.packs.paylater.backend import tables as t
from relaydesk.packs.paylater.tools import build_paylater_tools, paylater_context
from relaydesk.tools import ToolOutcome
from support.statements import statements_run

TOOLS = build_paylater_tools()

# A valid call of every tool that touches an account, for the unverified-caller check.
ACCOUNT_CALLS: dict[str, dict[str, Any]] = {
    "find_orders": {},
    "get_payment_plan": {"order_id": ALICE_PLAN_ORDER_ID},
    "next_payment": {},
    "pay_instalment": {"order_id": ALICE_PLAN_ORDER_ID},
    "postpone_payment": {"order_id": ALICE_PLAN_ORDER_ID, "days": 2},
    "pause_payments": {"order_id": ALICE_PLAN_ORDER_ID},
    "refund_status": {},
    "request_refund": {"order_id": ALICE_PLAN_ORDER_ID, "amount": "10"},
    "open_dispute": {"order_id": ALICE_DISPUTE_ORDER_ID, "reason": "wrong_item"},
    "update_email": {"new_email": "new@example.com"},
    "update_address": {"street": "Storgatan 1", "postal_code": "111 22", "city": "Stockholm",
                       "country": "SE"},
    "list_payment_methods": {},
    "change_payment_method": {"last4": "5454"},
    "explain_fee": {"order_id": ALICE_PLAN_ORDER_ID},
}


def call(engine: Engine, today: date, name: str, params: dict[str, Any],
         customer_id: str | None = ALICE_ID, **ctx: Any) -> ToolOutcome:
    context = paylater_context(engine, customer_id, clock=lambda: today, **ctx)
    return TOOLS.execute(name, params, context, timeout_s=10)


def reason(outcome: ToolOutcome) -> str | None:
    return outcome.decision.reason if outcome.decision else None


def refund_count(engine: Engine, order_id: str) -> int:
    with engine.connect() as conn:
        return int(conn.execute(select(func.count()).select_from(t.refunds)
                                .where(t.refunds.c.order_id == order_id)).scalar_one())


def test_every_account_tool_refuses_an_unverified_customer(
    demo_engine: Engine, today: date
) -> None:
    assert set(ACCOUNT_CALLS) | {"verify_customer"} == set(TOOLS.names())
    for name, params in ACCOUNT_CALLS.items():
        outcome = call(demo_engine, today, name, params, customer_id=None)
        assert (name, outcome.status, reason(outcome)) == (name, "denied", "not_verified")


def test_an_email_and_order_number_verify_only_their_own_customer(
    demo_engine: Engine, today: date
) -> None:
    good = call(demo_engine, today, "verify_customer",
                {"email": " Alice@Example.com", "order_id": "100001"}, customer_id=None)
    assert good.result == {"verified": True, "customer_id": ALICE_ID, "first_name": "Alice",
                           "language": "en"}
    crossed = call(demo_engine, today, "verify_customer",
                   {"email": ALICE_EMAIL, "order_id": SVEN_PLAN_ORDER_ID}, customer_id=None)
    assert crossed.result is not None and crossed.result["verified"] is False
    assert crossed.result["customer_id"] is None


def test_finding_orders_filters_by_shop_and_shows_only_the_customers_own(
    demo_engine: Engine, today: date
) -> None:
    outcome = call(demo_engine, today, "find_orders", {"merchant": "pixelpunkt"})
    assert outcome.result is not None
    assert [o["order_id"] for o in outcome.result["orders"]] == [ALICE_LARGE_ORDER_ID]
    returning = call(demo_engine, today, "find_orders", {"order_id": ALICE_REFUND_ORDER_ID})
    assert returning.result is not None
    assert returning.result["orders"][0]["return_status"] == "received"
    planned = call(demo_engine, today, "find_orders", {"order_id": ALICE_PLAN_ORDER_ID})
    assert planned.result is not None
    assert planned.result["orders"][0]["next_due_on"] == (today + timedelta(days=3)).isoformat()
    with statements_run(demo_engine) as seen:
        everything = call(demo_engine, today, "find_orders", {"limit": 3})
    assert everything.result is not None
    assert (len(everything.result["orders"]), everything.result["total"]) == (3, 7)
    assert len(seen) == 1  # the total comes with the rows
    nothing = call(demo_engine, today, "find_orders", {"merchant": "no such shop"})
    assert nothing.result is not None
    assert (nothing.result["orders"], nothing.result["total"]) == ([], 0)
    assert reason(call(demo_engine, today, "find_orders", {"order_id": SVEN_PLAN_ORDER_ID})) == (
        "not_your_order"
    )


def test_refund_status_shows_the_pending_refund_and_when_it_should_arrive(
    demo_engine: Engine, today: date
) -> None:
    outcome = call(demo_engine, today, "refund_status", {"order_id": ALICE_REFUND_ORDER_ID})
    assert outcome.result is not None
    (refund,) = outcome.result["refunds"]
    assert (refund["refund_id"], refund["status"], refund["amount"]) == (
        ALICE_REFUND_ID, "pending", "149.90"
    )
    assert refund["expected_by"] == (today + timedelta(days=2)).isoformat()
    other = call(demo_engine, today, "refund_status", {"refund_id": SVEN_REFUND_ID})
    assert reason(other) == "not_your_refund"


def test_a_refund_above_the_limit_waits_for_a_human_and_then_runs(
    demo_engine: Engine, today: date
) -> None:
    params = {"order_id": ALICE_LARGE_ORDER_ID, "amount": "300.00", "reason": "damaged_item"}
    blocked = call(demo_engine, today, "request_refund", params)
    assert (blocked.status, reason(blocked)) == ("needs_approval", "refund.above_limit")
    assert blocked.decision is not None and blocked.decision.details["limit"] == "100.00"
    assert refund_count(demo_engine, ALICE_LARGE_ORDER_ID) == 0

    approved = call(demo_engine, today, "request_refund", params, approved_by="agent-lena")
    assert approved.status == "done" and approved.result is not None
    assert approved.result["approved_by"] == "agent-lena"
    assert approved.result["refund"]["status"] == "pending"
    with demo_engine.connect() as conn:
        row = conn.execute(select(t.refunds.c.amount_minor, t.refunds.c.approved_by)
                           .where(t.refunds.c.order_id == ALICE_LARGE_ORDER_ID)).one()
    assert tuple(row) == (30000, "agent-lena")


def test_an_agent_may_refund_more_than_the_assistant_without_approval(
    demo_engine: Engine, today: date
) -> None:
    params = {"order_id": ALICE_LARGE_ORDER_ID, "amount": "300.00"}
    outcome = call(demo_engine, today, "request_refund", params, actor="agent",
                   actor_id="agent-lena")
    assert outcome.status == "done"
    assert refund_count(demo_engine, ALICE_LARGE_ORDER_ID) == 1


def test_a_refund_while_another_is_pending_is_refused(demo_engine: Engine, today: date) -> None:
    outcome = call(demo_engine, today, "request_refund",
                   {"order_id": ALICE_REFUND_ORDER_ID, "amount": "5"})
    assert reason(outcome) == "refund.already_pending"
    assert refund_count(demo_engine, ALICE_REFUND_ORDER_ID) == 1


def test_a_dispute_opens_once_and_a_second_one_is_refused(
    demo_engine: Engine, today: date
) -> None:
    params = {"order_id": ALICE_DISPUTE_ORDER_ID, "reason": "not_as_described",
              "description": "The soles came apart after one run."}
    opened = call(demo_engine, today, "open_dispute", params)
    assert opened.status == "done" and opened.result is not None
    assert opened.result["dispute_id"].startswith("DS-")
    assert opened.result["merchant_response_by"] == (today + timedelta(days=14)).isoformat()
    again = call(demo_engine, today, "open_dispute", params)
    assert reason(again) == "dispute.already_open"


def test_a_dispute_outside_the_window_or_with_an_unknown_reason_is_refused(
    demo_engine: Engine, today: date
) -> None:
    late = call(demo_engine, today, "open_dispute",
                {"order_id": ALICE_OLD_ORDER_ID, "reason": "wrong_item"})
    assert reason(late) == "dispute.window_closed"
    odd = call(demo_engine, today, "open_dispute",
               {"order_id": ALICE_DISPUTE_ORDER_ID, "reason": "changed_my_mind"})
    assert (odd.status, odd.fields) == ("invalid", ["reason"])


def test_updating_the_email_changes_the_account_unless_someone_else_has_it(
    demo_engine: Engine, today: date
) -> None:
    assert reason(call(demo_engine, today, "update_email", {"new_email": SVEN_EMAIL})) == (
        "email.unavailable"
    )
    done = call(demo_engine, today, "update_email", {"new_email": "Alice.A@Example.org"})
    assert done.result == {"email": "alice.a@example.org"}
    with demo_engine.connect() as conn:
        email = conn.execute(select(t.customers.c.email)
                             .where(t.customers.c.id == ALICE_ID)).scalar_one()
    assert email == "alice.a@example.org"


def test_updating_the_address_only_to_a_served_country(demo_engine: Engine, today: date) -> None:
    address = {"street": "Aleksanterinkatu 5", "postal_code": "00100", "city": "Helsinki"}
    assert reason(call(demo_engine, today, "update_address", {**address, "country": "us"})) == (
        "address.unsupported_country"
    )
    done = call(demo_engine, today, "update_address", {**address, "country": "fi"})
    assert done.status == "done"
    with demo_engine.connect() as conn:
        row = conn.execute(select(t.customers.c.city, t.customers.c.country)
                           .where(t.customers.c.id == ALICE_ID)).one()
    assert tuple(row) == ("Helsinki", "FI")


def test_changing_the_payment_method_moves_every_open_plan(
    demo_engine: Engine, today: date
) -> None:
    expired = call(demo_engine, today, "change_payment_method",
                   {"payment_method_id": ALICE_EXPIRED_CARD_ID})
    assert reason(expired) == "payment_method.expired"
    others = call(demo_engine, today, "change_payment_method", {"last4": "1881"})
    assert reason(others) == "payment_method.not_found"
    done = call(demo_engine, today, "change_payment_method", {"last4": "5454"})
    assert done.status == "done" and done.result is not None
    assert ALICE_PLAN_ORDER_ID in done.result["orders_updated"]
    with demo_engine.connect() as conn:
        methods = set(conn.execute(
            select(t.payment_plans.c.payment_method_id)
            .join(t.orders, t.orders.c.id == t.payment_plans.c.order_id)
            .where(t.orders.c.customer_id == ALICE_ID, t.payment_plans.c.status == "active")
        ).scalars())
    assert methods == {ALICE_SPARE_CARD_ID}


@pytest.mark.parametrize("customer_id", [ALICE_ID, SVEN_ID])
def test_saved_methods_show_only_brand_and_last_digits(
    demo_engine: Engine, today: date, customer_id: str
) -> None:
    outcome = call(demo_engine, today, "list_payment_methods", {}, customer_id=customer_id)
    assert outcome.result is not None
    methods = outcome.result["methods"]
    assert methods[0]["is_default"] is True
    assert all(len(m["last4"]) == 4 for m in methods)
    assert set(methods[0]) == {"payment_method_id", "kind", "brand", "last4", "expires_on",
                               "is_default", "expired"}
