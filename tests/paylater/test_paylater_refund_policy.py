"""Money leaves automatically only with a reason, and only up to a cap per customer and month."""

from __future__ import annotations

from datetime import date

from sqlalchemy import Engine

from paylater.test_paylater_order_and_account_tools import call, reason, refund_count
from relaydesk.packs.paylater.backend import (
    ALICE_DISPUTE_ORDER_ID,
    ALICE_PLAN_ORDER_ID,
    ALICE_RETURN_ORDER_ID,
)


def test_three_small_refunds_in_one_chat_stop_at_the_customers_cap(
    demo_engine: Engine, today: date
) -> None:
    asked = [
        (ALICE_DISPUTE_ORDER_ID, "60.00"),
        (ALICE_PLAN_ORDER_ID, "40.00"),
        (ALICE_RETURN_ORDER_ID, "30.00"),
    ]
    outcomes = [
        call(demo_engine, today, "request_refund",
             {"order_id": order, "amount": amount, "reason": "damaged_item"})
        for order, amount in asked
    ]
    assert [o.status for o in outcomes] == ["done", "done", "needs_approval"]
    assert reason(outcomes[2]) == "refund.above_customer_cap"
    assert refund_count(demo_engine, ALICE_RETURN_ORDER_ID) == 0
    # a person's approval lets it through; approved refunds do not count toward the cap
    approved = call(demo_engine, today, "request_refund",
                    {"order_id": ALICE_RETURN_ORDER_ID, "amount": "30.00",
                     "reason": "damaged_item"}, approved_by="agent-lena")
    assert approved.status == "done"


def test_without_a_reason_or_a_return_the_assistant_refunds_nothing_on_its_own(
    demo_engine: Engine, today: date
) -> None:
    bare = call(demo_engine, today, "request_refund",
                {"order_id": ALICE_DISPUTE_ORDER_ID, "amount": "10.00"})
    returning = call(demo_engine, today, "request_refund",
                     {"order_id": ALICE_RETURN_ORDER_ID, "amount": "10.00"})
    assert (bare.status, reason(bare)) == ("needs_approval", "refund.no_reason")
    assert returning.status == "done"  # the return on its way back is the reason
    assert refund_count(demo_engine, ALICE_DISPUTE_ORDER_ID) == 0


def test_the_cap_counts_the_period_only(demo_engine: Engine, today: date) -> None:
    first = call(demo_engine, today, "request_refund",
                 {"order_id": ALICE_DISPUTE_ORDER_ID, "amount": "80.00", "reason": "wrong_item"})
    later = date.fromordinal(today.toordinal() + 31)
    second = call(demo_engine, later, "request_refund",
                  {"order_id": ALICE_PLAN_ORDER_ID, "amount": "90.00", "reason": "wrong_item"})
    assert (first.status, second.status) == ("done", "done")
