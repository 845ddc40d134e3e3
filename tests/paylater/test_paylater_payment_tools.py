"""Payment tools against the real backend (SQLite file and PostgreSQL): effects and refusals."""

from __future__ import annotations

import threading
import time
from dataclasses import replace
from datetime import date, timedelta
from typing import Any

import pytest
from sqlalchemy import Engine, select

from relaydesk.packs.paylater.backend import (
    ALICE_ID,
    ALICE_PLAN_ORDER_ID,
    ALICE_POSTPONED_ORDER_ID,
    ALICE_RETURN_ORDER_ID,
    SVEN_ID,
    SVEN_OVERDUE_ORDER_ID,
    SVEN_PLAN_ORDER_ID,
)
from relaydesk.packs.paylater.backend import tables as t
from relaydesk.packs.paylater.operations.schemas import PostponePaymentParams
from relaydesk.packs.paylater.tools import build_paylater_tools, paylater_context
from relaydesk.tools import DeadlineExceeded, PolicyViolation, ToolOutcome
from support.statements import statements_run

TOOLS = build_paylater_tools()


def call(engine: Engine, today: date, name: str, params: dict[str, Any],
         customer_id: str | None = ALICE_ID, **ctx: Any) -> ToolOutcome:
    context = paylater_context(engine, customer_id, clock=lambda: today, **ctx)
    return TOOLS.execute(name, params, context, timeout_s=10)


def due_dates(engine: Engine, order_id: str) -> list[tuple[int, date, str, bool]]:
    plan_id = "PL-" + order_id.removeprefix("ORD-")
    with engine.connect() as conn:
        rows = conn.execute(
            select(t.instalments.c.seq, t.instalments.c.due_on, t.instalments.c.status,
                   t.instalments.c.postponed)
            .where(t.instalments.c.plan_id == plan_id).order_by(t.instalments.c.seq)
        ).all()
    return [(row.seq, row.due_on, row.status, row.postponed) for row in rows]


def test_a_postponement_really_moves_the_due_date_in_the_backend(
    demo_engine: Engine, today: date
) -> None:
    outcome = call(demo_engine, today, "postpone_payment",
                   {"order_id": ALICE_PLAN_ORDER_ID, "days": 7})
    assert outcome.status == "done"
    assert outcome.result is not None
    assert outcome.result["new_due_on"] == (today + timedelta(days=10)).isoformat()
    assert due_dates(demo_engine, ALICE_PLAN_ORDER_ID)[2] == (
        3, today + timedelta(days=10), "scheduled", True
    )


def test_a_second_postponement_of_the_same_order_is_refused_and_changes_nothing(
    demo_engine: Engine, today: date
) -> None:
    before = due_dates(demo_engine, ALICE_POSTPONED_ORDER_ID)
    outcome = call(demo_engine, today, "postpone_payment",
                   {"order_id": ALICE_POSTPONED_ORDER_ID, "days": 2})
    assert outcome.status == "denied"
    assert outcome.decision is not None and outcome.decision.reason == "postpone.already_used"
    assert due_dates(demo_engine, ALICE_POSTPONED_ORDER_ID) == before


def test_an_overdue_order_cannot_be_postponed(demo_engine: Engine, today: date) -> None:
    outcome = call(demo_engine, today, "postpone_payment",
                   {"order_id": SVEN_OVERDUE_ORDER_ID, "days": 3}, customer_id=SVEN_ID)
    assert outcome.decision is not None and outcome.decision.reason == "postpone.overdue"


def test_postponing_someone_elses_order_is_refused(demo_engine: Engine, today: date) -> None:
    before = due_dates(demo_engine, SVEN_PLAN_ORDER_ID)
    outcome = call(demo_engine, today, "postpone_payment",
                   {"order_id": SVEN_PLAN_ORDER_ID, "days": 3})
    assert outcome.status == "denied"
    assert outcome.decision is not None and outcome.decision.reason == "not_your_order"
    assert due_dates(demo_engine, SVEN_PLAN_ORDER_ID) == before


def test_calling_a_tool_directly_still_enforces_its_policy(
    demo_engine: Engine, today: date
) -> None:
    spec = TOOLS.get("postpone_payment")
    params = PostponePaymentParams(order_id=SVEN_PLAN_ORDER_ID, days=30)
    before = due_dates(demo_engine, SVEN_PLAN_ORDER_ID)
    with pytest.raises(PolicyViolation) as refused:
        spec.run(paylater_context(demo_engine, SVEN_ID, clock=lambda: today), params)
    assert refused.value.decision.reason == "postpone.too_many_days"
    with pytest.raises(PolicyViolation):
        spec.run(paylater_context(demo_engine, None, clock=lambda: today), params)
    assert due_dates(demo_engine, SVEN_PLAN_ORDER_ID) == before


def test_a_tool_past_its_deadline_rolls_back_its_write(demo_engine: Engine, today: date) -> None:
    ctx = replace(paylater_context(demo_engine, ALICE_ID, clock=lambda: today),
                  deadline=time.monotonic() - 1)
    before = due_dates(demo_engine, ALICE_PLAN_ORDER_ID)
    with pytest.raises(DeadlineExceeded):
        TOOLS.get("postpone_payment").run(
            ctx, PostponePaymentParams(order_id=ALICE_PLAN_ORDER_ID, days=3)
        )
    assert due_dates(demo_engine, ALICE_PLAN_ORDER_ID) == before


def test_two_simultaneous_postponements_of_one_order_give_exactly_one(
    demo_engine: Engine, today: date
) -> None:
    outcomes: list[ToolOutcome] = []
    start = threading.Barrier(2)

    def postpone(days: int) -> None:
        start.wait()
        outcomes.append(call(demo_engine, today, "postpone_payment",
                             {"order_id": ALICE_PLAN_ORDER_ID, "days": days}))

    workers = [threading.Thread(target=postpone, args=(n,)) for n in (4, 6)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    assert sorted(o.status for o in outcomes) == ["denied", "done"]
    done = next(o for o in outcomes if o.status == "done")
    assert done.result is not None
    assert due_dates(demo_engine, ALICE_PLAN_ORDER_ID)[2][1].isoformat() == (
        done.result["new_due_on"]
    )


def test_the_next_payment_is_alices_instalment_due_in_three_days(
    demo_engine: Engine, today: date
) -> None:
    outcome = call(demo_engine, today, "next_payment", {})
    assert outcome.status == "done" and outcome.result is not None
    assert outcome.result["order_id"] == ALICE_PLAN_ORDER_ID
    assert outcome.result["instalment"]["due_on"] == (today + timedelta(days=3)).isoformat()
    assert outcome.result["instalment"]["amount"] == "60.00"


def test_the_next_payment_of_one_order_ignores_the_others(
    demo_engine: Engine, today: date
) -> None:
    everything = call(demo_engine, today, "next_payment", {})
    one = call(demo_engine, today, "next_payment", {"order_id": ALICE_RETURN_ORDER_ID})
    assert everything.result is not None and one.result is not None
    assert one.result["order_id"] == ALICE_RETURN_ORDER_ID != everything.result["order_id"]
    assert 0 < one.result["upcoming"] < everything.result["upcoming"]


def test_the_payment_plan_lists_every_instalment_and_what_is_left(
    demo_engine: Engine, today: date
) -> None:
    with statements_run(demo_engine) as seen:
        outcome = call(demo_engine, today, "get_payment_plan", {"order_id": "ord-100001"})
    assert outcome.status == "done" and outcome.result is not None
    assert len(seen) == 2  # the order's facts; the plan with its instalments and method
    assert (outcome.result["kind"], outcome.result["status"]) == ("pay_in_4", "active")
    assert outcome.result["payment_method"]["is_default"] is True
    assert [i["status"] for i in outcome.result["instalments"]] == [
        "paid", "paid", "scheduled", "scheduled"
    ]
    assert outcome.result["remaining"] == "120.00"
    assert outcome.result["payment_method"]["last4"] == "4242"


def test_paying_an_overdue_instalment_now_includes_the_late_fee_and_completes_the_plan(
    demo_engine: Engine, today: date
) -> None:
    outcome = call(demo_engine, today, "pay_instalment", {"order_id": SVEN_OVERDUE_ORDER_ID},
                   customer_id=SVEN_ID)
    assert outcome.status == "done" and outcome.result is not None
    assert (outcome.result["amount_paid"], outcome.result["currency"]) == ("1545.00", "SEK")
    assert outcome.result["plan_status"] == "completed"
    assert due_dates(demo_engine, SVEN_OVERDUE_ORDER_ID)[0][2] == "paid"
    again = call(demo_engine, today, "pay_instalment", {"order_id": SVEN_OVERDUE_ORDER_ID},
                 customer_id=SVEN_ID)
    assert again.decision is not None and again.decision.reason == "pay.nothing_due"


def test_pausing_during_a_return_moves_every_unpaid_due_date(
    demo_engine: Engine, today: date
) -> None:
    before = due_dates(demo_engine, ALICE_RETURN_ORDER_ID)
    outcome = call(demo_engine, today, "pause_payments",
                   {"order_id": ALICE_RETURN_ORDER_ID, "days": 20})
    assert outcome.status == "done" and outcome.result is not None
    assert outcome.result["moved_instalments"] == 2
    after = due_dates(demo_engine, ALICE_RETURN_ORDER_ID)
    assert [a[1] - b[1] for a, b in zip(after, before, strict=True)] == [
        timedelta(0), timedelta(0), timedelta(days=20), timedelta(days=20)
    ]
    with demo_engine.connect() as conn:
        plan = conn.execute(select(t.payment_plans.c.status, t.payment_plans.c.paused_until)
                            .where(t.payment_plans.c.order_id == ALICE_RETURN_ORDER_ID)).one()
    assert tuple(plan) == ("paused", today + timedelta(days=20))
    again = call(demo_engine, today, "pause_payments", {"order_id": ALICE_RETURN_ORDER_ID})
    assert again.decision is not None and again.decision.reason == "pause.already_paused"


def test_pausing_an_order_without_a_return_is_refused(demo_engine: Engine, today: date) -> None:
    outcome = call(demo_engine, today, "pause_payments", {"order_id": ALICE_PLAN_ORDER_ID})
    assert outcome.decision is not None
    assert outcome.decision.reason == "pause.no_return_in_progress"


def test_a_late_fee_is_explained_from_the_fee_table_with_what_the_order_was_charged(
    demo_engine: Engine, today: date
) -> None:
    outcome = call(demo_engine, today, "explain_fee", {"order_id": SVEN_OVERDUE_ORDER_ID},
                   customer_id=SVEN_ID)
    assert outcome.status == "done" and outcome.result is not None
    assert outcome.result["amount"] == "55.00"
    assert outcome.result["grace_days"] == 3
    assert outcome.result["charged_on_order"] == "55.00"
    general = call(demo_engine, today, "explain_fee", {}, customer_id=None)
    assert general.result is not None
    assert (general.result["amount"], general.result["currency"]) == ("5.00", "EUR")
    with statements_run(demo_engine) as seen:
        swedish = call(demo_engine, today, "explain_fee", {}, customer_id=SVEN_ID)
    assert swedish.result is not None and swedish.result["currency"] == "SEK"
    assert len(seen) == 1  # the rule in the currency of the latest order, in one statement
