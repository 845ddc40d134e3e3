"""Guessing an email and order number gets nowhere: growing delays per target account."""

from __future__ import annotations

from datetime import date

from sqlalchemy import Engine

from paylater.test_paylater_order_and_account_tools import call
from relaydesk.packs.paylater.backend import ALICE_EMAIL, ALICE_PLAN_ORDER_ID
from relaydesk.packs.paylater.verification_limits import VerificationLimits


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def check(engine: Engine, today: date, limits: VerificationLimits, email: str, order: str) -> bool:
    outcome = call(
        engine, today, "verify_customer", {"email": email, "order_id": order},
        customer_id=None, verification=limits,
    )
    return bool(outcome.result and outcome.result["verified"])


def test_after_three_wrong_orders_for_one_email_even_the_right_pair_waits(
    demo_engine: Engine, today: date
) -> None:
    clock = Clock()
    limits = VerificationLimits(clock)
    for guess in ("ORD-100090", "ORD-100091", "ORD-100092", "ORD-100093"):
        assert not check(demo_engine, today, limits, ALICE_EMAIL, guess)
    assert not check(demo_engine, today, limits, ALICE_EMAIL, ALICE_PLAN_ORDER_ID)
    clock.now += 29
    assert not check(demo_engine, today, limits, ALICE_EMAIL, ALICE_PLAN_ORDER_ID)
    clock.now += 2
    assert check(demo_engine, today, limits, ALICE_EMAIL, ALICE_PLAN_ORDER_ID)


def test_delays_grow_with_every_further_failure(demo_engine: Engine, today: date) -> None:
    clock = Clock()
    limits = VerificationLimits(clock)
    waits = []
    for n in range(6):
        check(demo_engine, today, limits, f"guess{n}@example.com", ALICE_PLAN_ORDER_ID)
        waits.append(limits.local.wait_s(
            VerificationLimits.account_scopes("someone@example.com", ALICE_PLAN_ORDER_ID),
            clock.now,
        ))
        clock.now += waits[-1]
    assert waits == [0, 0, 0, 30, 60, 120]


def test_a_throttled_check_answers_exactly_like_a_wrong_pair(
    demo_engine: Engine, today: date
) -> None:
    limits = VerificationLimits(Clock())
    wrong = call(demo_engine, today, "verify_customer",
                 {"email": ALICE_EMAIL, "order_id": "ORD-100099"}, customer_id=None,
                 verification=limits)
    for _ in range(4):
        check(demo_engine, today, limits, ALICE_EMAIL, "ORD-100098")
    throttled = call(demo_engine, today, "verify_customer",
                     {"email": ALICE_EMAIL, "order_id": ALICE_PLAN_ORDER_ID}, customer_id=None,
                     verification=limits)
    assert wrong.result == {"verified": False, "customer_id": None, "first_name": None,
                            "language": None}
    assert not throttled.done and not (throttled.result or {}).get("verified")


def test_contact_details_change_only_for_a_signed_in_customer(
    demo_engine: Engine, today: date
) -> None:
    new = {"new_email": "alice.other@example.org"}
    by_details = call(demo_engine, today, "update_email", new, proven_by_details=True)
    signed = call(demo_engine, today, "update_email", new)
    assert (by_details.status, by_details.decision and by_details.decision.reason) == (
        "denied", "contact.needs_person"
    )
    assert signed.done and signed.result == {"email": "alice.other@example.org"}


def test_one_conversation_guessing_many_accounts_waits_after_three_failures(
    demo_engine: Engine, today: date
) -> None:
    clock = Clock()
    limits = VerificationLimits(clock)

    def check_in_conversation(email: str, order: str) -> bool:
        outcome = call(
            demo_engine, today, "verify_customer", {"email": email, "order_id": order},
            customer_id=None, verification=limits, conversation_id="conv_guess",
        )
        return bool(outcome.result and outcome.result["verified"])

    for n in range(3):
        assert not check_in_conversation(f"guess{n}@example.com", f"ORD-10095{n}")
    assert check_in_conversation(ALICE_EMAIL, ALICE_PLAN_ORDER_ID)  # three are free
    for n in range(3, 5):
        assert not check_in_conversation(f"guess{n}@example.com", f"ORD-10095{n}")
    assert not check_in_conversation(ALICE_EMAIL, ALICE_PLAN_ORDER_ID)
    clock.now += 61
    assert check_in_conversation(ALICE_EMAIL, ALICE_PLAN_ORDER_ID)
