"""The demo company's rules as pure functions: every limit and refusal, without a database."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import pytest
from pydantic import ValidationError

from relaydesk.packs.paylater.policy import (
    InstalmentFacts,
    MethodFacts,
    OrderFacts,
    PolicyConfig,
    decide_address_change,
    decide_dispute,
    decide_email_change,
    decide_method_change,
    decide_pause,
    decide_pay_now,
    decide_postpone,
    decide_refund,
    owned,
    verified,
)
from relaydesk.tools import ToolContext

TODAY = date(2026, 3, 16)
CONFIG = PolicyConfig()


def days(offset: int) -> date:
    return TODAY + timedelta(days=offset)


def instalment(seq: int, due: int, status: str = "scheduled", **extra: Any) -> InstalmentFacts:
    fields: dict[str, Any] = {"postponed": False, "late_fee_minor": 0, **extra}
    return InstalmentFacts(seq=seq, due_on=days(due), amount_minor=6000, status=status, **fields)


def an_order(**changes: Any) -> OrderFacts:
    """A pay-in-4 order of 240 EUR with two instalments paid and the next due in 3 days."""
    order = OrderFacts(
        id="ORD-100001", customer_id="cust-1", status="delivered", amount_minor=24000,
        currency="EUR", created_on=days(-25), delivered_on=days(-22), plan_kind="pay_in_4",
        plan_status="active", plan_method_id="pm-1", paused_until=None,
        instalments=(instalment(1, -25, "paid"), instalment(2, -11, "paid"),
                     instalment(3, 3), instalment(4, 17)),
        return_status=None, refunded_minor=0, pending_refund_id=None, open_dispute_id=None,
    )
    return replace(order, **changes)


def context(customer_id: str | None = "cust-1", actor: Any = "assistant") -> ToolContext[None]:
    return ToolContext(customer_id=customer_id, actor=actor, actor_id=None, deps=None)


# --- who may act on what -----------------------------------------------------------------


def test_an_unverified_customer_is_refused() -> None:
    refusal = verified(context(customer_id=None))
    assert refusal is not None and refusal.reason == "not_verified"
    assert verified(context()) is None


def test_another_customers_order_and_a_made_up_one_are_refused_alike() -> None:
    refusal = owned(context(), an_order(customer_id="cust-2"))
    assert refusal is not None and refusal.reason == "not_your_order"
    missing = owned(context(), None)
    assert missing == refusal  # the answer must not tell which order numbers exist
    assert owned(context(), an_order()) is None


# --- postpone ----------------------------------------------------------------------------


def test_postponing_the_next_instalment_by_up_to_ten_days_is_allowed() -> None:
    decision = decide_postpone(CONFIG, an_order(), days(3 + 10), TODAY)
    assert decision.outcome == "allow"
    assert decision.details["seq"] == 3
    assert decision.details["new_due_on"] == days(13).isoformat()


def test_postponing_by_more_than_ten_days_is_refused_with_the_limit() -> None:
    decision = decide_postpone(CONFIG, an_order(), days(3 + 11), TODAY)
    assert (decision.outcome, decision.reason) == ("deny", "postpone.too_many_days")
    assert decision.details["max_days"] == 10
    assert decision.details["latest_due_on"] == days(13).isoformat()


def test_the_postponement_limit_is_data_an_operator_can_change() -> None:
    generous = PolicyConfig(postpone_max_days=20)
    assert decide_postpone(generous, an_order(), days(3 + 15), TODAY).outcome == "allow"


def test_an_order_can_be_postponed_only_once() -> None:
    already = an_order(instalments=(
        instalment(1, -25, "paid"), instalment(2, -4, "paid", postponed=True),
        instalment(3, 3), instalment(4, 17),
    ))
    decision = decide_postpone(CONFIG, already, days(5), TODAY)
    assert (decision.outcome, decision.reason) == ("deny", "postpone.already_used")


def test_an_overdue_plan_is_never_postponed() -> None:
    overdue = an_order(instalments=(instalment(1, -25, "paid"), instalment(2, -11, "overdue"),
                                    instalment(3, 3), instalment(4, 17)))
    decision = decide_postpone(CONFIG, overdue, days(-11 + 5), TODAY)
    assert (decision.outcome, decision.reason) == ("deny", "postpone.overdue")


def test_a_fully_paid_plan_has_nothing_to_postpone() -> None:
    paid = an_order(instalments=tuple(instalment(n, -40 + 10 * n, "paid") for n in (1, 2, 3, 4)))
    decision = decide_postpone(CONFIG, paid, days(5), TODAY)
    assert (decision.outcome, decision.reason) == ("deny", "postpone.already_paid")


def test_a_postponement_must_move_the_date_later() -> None:
    decision = decide_postpone(CONFIG, an_order(), days(2), TODAY)
    assert (decision.outcome, decision.reason) == ("deny", "postpone.not_later")


# --- pay now -----------------------------------------------------------------------------


def test_paying_now_charges_the_next_instalment_with_its_late_fee() -> None:
    late = an_order(instalments=(instalment(1, -25, "paid"),
                                 instalment(2, -11, "overdue", late_fee_minor=500)))
    decision = decide_pay_now(late, None, MethodFacts("pm-1", "cust-1", days(400)), TODAY)
    assert decision.outcome == "allow"
    assert decision.details == {"seq": 2, "amount": "65.00", "currency": "EUR"}


def test_a_paid_instalment_cannot_be_paid_again() -> None:
    decision = decide_pay_now(an_order(), 1, MethodFacts("pm-1", "cust-1", None), TODAY)
    assert (decision.outcome, decision.reason) == ("deny", "pay.already_paid")


def test_paying_with_an_expired_card_is_refused() -> None:
    decision = decide_pay_now(an_order(), None, MethodFacts("pm-1", "cust-1", days(-1)), TODAY)
    assert decision.reason == "pay.method_expired"


# --- pause -------------------------------------------------------------------------------


def test_payments_can_be_paused_while_a_return_is_on_its_way() -> None:
    decision = decide_pause(CONFIG, an_order(return_status="in_transit"), 30, TODAY)
    assert decision.outcome == "allow"
    assert decision.details["paused_until"] == days(30).isoformat()


def test_pausing_without_a_return_in_progress_is_refused() -> None:
    for status in (None, "completed", "rejected"):
        decision = decide_pause(CONFIG, an_order(return_status=status), 10, TODAY)
        assert decision.reason == "pause.no_return_in_progress"


def test_pausing_for_more_than_thirty_days_is_refused() -> None:
    decision = decide_pause(CONFIG, an_order(return_status="requested"), 31, TODAY)
    assert (decision.reason, decision.details["max_days"]) == ("pause.too_many_days", 30)


def test_a_plan_is_paused_only_once_at_a_time() -> None:
    paused = an_order(return_status="received", paused_until=days(4))
    assert decide_pause(CONFIG, paused, 5, TODAY).reason == "pause.already_paused"


# --- refunds -----------------------------------------------------------------------------


def test_a_refund_within_the_assistants_limit_with_a_reason_needs_no_human() -> None:
    decision = decide_refund(CONFIG, "assistant", an_order(), 10000, "returned_item")
    assert decision.outcome == "allow"


def test_the_assistant_refunds_nothing_on_its_own_without_a_stated_reason() -> None:
    decision = decide_refund(CONFIG, "assistant", an_order(), 1000)
    assert (decision.outcome, decision.reason) == ("needs_approval", "refund.no_reason")
    assert decide_refund(CONFIG, "agent", an_order(), 1000).outcome == "allow"


def test_beyond_the_customers_cap_for_the_period_a_person_approves() -> None:
    within = decide_refund(CONFIG, "assistant", an_order(), 4000, "damaged_item", 6000)
    beyond = decide_refund(CONFIG, "assistant", an_order(), 4001, "damaged_item", 6000)
    assert within.outcome == "allow"
    assert (beyond.outcome, beyond.reason) == ("needs_approval", "refund.above_customer_cap")
    assert beyond.details == {"cap": "100.00", "days": 30, "amount": "40.01", "currency": "EUR"}


def test_a_refund_above_the_assistants_limit_needs_approval() -> None:
    decision = decide_refund(CONFIG, "assistant", an_order(), 10001, "returned_item")
    assert (decision.outcome, decision.reason) == ("needs_approval", "refund.above_limit")
    assert decision.details == {"limit": "100.00", "amount": "100.01", "currency": "EUR"}


def test_an_agent_has_a_higher_refund_limit() -> None:
    large = an_order(amount_minor=500000)
    assert decide_refund(CONFIG, "agent", large, 90000).outcome == "allow"
    assert decide_refund(CONFIG, "agent", large, 100001).outcome == "needs_approval"


def test_a_refund_in_an_unconfigured_currency_always_needs_a_human() -> None:
    decision = decide_refund(CONFIG, "agent", an_order(currency="NOK"), 100)
    assert decision.outcome == "needs_approval"


def test_a_refund_larger_than_what_is_left_is_refused() -> None:
    partly = an_order(refunded_minor=20000)
    decision = decide_refund(CONFIG, "agent", partly, 5000)
    assert (decision.reason, decision.details["refundable"]) == ("refund.exceeds_order", "40.00")


def test_a_second_refund_while_one_is_pending_is_refused() -> None:
    pending = an_order(pending_refund_id="RF-100002", refunded_minor=1000)
    decision = decide_refund(CONFIG, "assistant", pending, 1000)
    assert (decision.reason, decision.details["refund_id"]) == (
        "refund.already_pending", "RF-100002"
    )


# --- disputes ----------------------------------------------------------------------------


def test_a_dispute_within_120_days_of_delivery_is_allowed() -> None:
    order = an_order(delivered_on=days(-120))
    assert decide_dispute(CONFIG, order, "not_as_described", TODAY).outcome == "allow"


def test_a_dispute_after_the_window_is_refused_with_the_window() -> None:
    order = an_order(delivered_on=days(-121))
    decision = decide_dispute(CONFIG, order, "wrong_item", TODAY)
    assert (decision.reason, decision.details["window_days"]) == ("dispute.window_closed", 120)


def test_only_one_dispute_per_order_can_be_open() -> None:
    decision = decide_dispute(CONFIG, an_order(open_dispute_id="DS-300001"), "wrong_item", TODAY)
    assert decision.reason == "dispute.already_open"


def test_a_wrong_item_cannot_be_claimed_before_delivery() -> None:
    undelivered = an_order(delivered_on=None, status="shipped")
    assert decide_dispute(CONFIG, undelivered, "wrong_item", TODAY).reason == (
        "dispute.not_delivered"
    )


def test_not_received_waits_a_week_after_purchase() -> None:
    fresh = an_order(delivered_on=None, status="shipped", created_on=days(-3))
    decision = decide_dispute(CONFIG, fresh, "not_received", TODAY)
    assert (decision.reason, decision.details["wait_until"]) == (
        "dispute.too_early", days(4).isoformat()
    )
    late = an_order(delivered_on=None, status="shipped", created_on=days(-8))
    assert decide_dispute(CONFIG, late, "not_received", TODAY).outcome == "allow"


# --- account -----------------------------------------------------------------------------


def test_an_email_in_use_by_someone_else_is_refused_without_saying_so() -> None:
    assert decide_email_change("a@example.com", "b@example.com", taken=True).reason == (
        "email.unavailable"
    )
    assert decide_email_change("a@example.com", "A@example.com", taken=False).reason == (
        "email.unchanged"
    )
    assert decide_email_change("a@example.com", "b@example.com", taken=False).outcome == "allow"


def test_an_address_outside_the_served_countries_is_refused() -> None:
    assert decide_address_change(CONFIG, "US").reason == "address.unsupported_country"
    assert decide_address_change(CONFIG, "FI").outcome == "allow"


def test_only_the_customers_own_unexpired_methods_can_be_chosen() -> None:
    ctx = context()
    theirs = MethodFacts("pm-9", "cust-2", None)
    expired = MethodFacts("pm-2", "cust-1", days(-1))
    fine = MethodFacts("pm-3", "cust-1", days(300))
    assert decide_method_change(ctx, theirs, None, TODAY).reason == "payment_method.not_found"
    assert decide_method_change(ctx, expired, None, TODAY).reason == "payment_method.expired"
    assert decide_method_change(ctx, fine, an_order(), TODAY).outcome == "allow"
    current = MethodFacts("pm-1", "cust-1", None)
    assert decide_method_change(ctx, current, an_order(), TODAY).reason == (
        "payment_method.unchanged"
    )


def test_limits_are_validated_when_configured() -> None:
    with pytest.raises(ValidationError):
        PolicyConfig(postpone_max_days=0)
    assert PolicyConfig().refund_limit("agent", "EUR") == Decimal("1000")
