"""An order's facts (plan, instalments, returns, refunds, disputes) come back whole from one
statement, on a SQLite file and on PostgreSQL."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import Engine, insert, select

from relaydesk.packs.paylater.backend import ALICE_ID
from relaydesk.packs.paylater.backend import tables as t
from relaydesk.packs.paylater.operations.queries import load_order
from relaydesk.packs.paylater.policy import InstalmentFacts
from support.statements import statements_run


def _add_order(engine: Engine, order_id: str, today: date, with_plan: bool) -> None:
    with engine.begin() as conn:
        merchant = conn.execute(select(t.merchants.c.id)).scalars().first()
        method = (
            conn.execute(
                select(t.payment_methods.c.id).where(t.payment_methods.c.customer_id == ALICE_ID)
            )
            .scalars()
            .first()
        )
        conn.execute(insert(t.orders).values(
            id=order_id, customer_id=ALICE_ID, merchant_id=merchant, description="Lamp",
            amount_minor=24000, currency="EUR", status="delivered",
            created_on=today - timedelta(days=40), delivered_on=today - timedelta(days=35),
        ))  # fmt: skip
        if not with_plan:
            return
        plan_id = "PL-" + order_id.removeprefix("ORD-")
        conn.execute(insert(t.payment_plans).values(
            id=plan_id, order_id=order_id, kind="pay_in_4", status="paused",
            payment_method_id=method, paused_until=today + timedelta(days=9),
        ))  # fmt: skip
        for seq in (3, 1, 4, 2):  # stored out of order
            conn.execute(insert(t.instalments).values(
                id=f"{plan_id}-{seq}", plan_id=plan_id, seq=seq,
                due_on=today + timedelta(days=14 * (seq - 2)), amount_minor=6000,
                status="paid" if seq == 1 else "scheduled", postponed=seq == 3,
                late_fee_minor=500 if seq == 2 else 0,
            ))  # fmt: skip


def _add_aftercare(engine: Engine, order_id: str, today: date) -> None:
    number = order_id.removeprefix("ORD-")
    refund = {"order_id": order_id, "currency": "EUR", "reason": "r", "requested_on": today}
    with engine.begin() as conn:
        conn.execute(insert(t.returns), [
            {"id": f"RT-{number}1", "order_id": order_id, "status": "rejected",
             "created_on": today - timedelta(days=20)},
            {"id": f"RT-{number}2", "order_id": order_id, "status": "in_transit",
             "created_on": today - timedelta(days=5)},
        ])  # fmt: skip
        conn.execute(insert(t.refunds), [
            {**refund, "id": f"RF-{number}1", "amount_minor": 9000, "status": "rejected"},
            {**refund, "id": f"RF-{number}3", "amount_minor": 2000, "status": "pending"},
            {**refund, "id": f"RF-{number}2", "amount_minor": 1500, "status": "pending"},
            {**refund, "id": f"RF-{number}4", "amount_minor": 3000, "status": "completed"},
        ])  # fmt: skip
        dispute = {"order_id": order_id, "reason": "wrong_item", "description": "d",
                   "opened_on": today}  # fmt: skip
        conn.execute(insert(t.disputes), [
            {**dispute, "id": f"DS-{number}1", "status": "resolved"},
            {**dispute, "id": f"DS-{number}2", "status": "under_review"},
        ])  # fmt: skip


def test_an_order_with_its_plan_and_aftercare_is_read_in_one_statement(
    demo_engine: Engine, today: date
) -> None:
    _add_order(demo_engine, "ORD-900001", today, with_plan=True)
    _add_aftercare(demo_engine, "ORD-900001", today)
    with statements_run(demo_engine) as seen, demo_engine.connect() as conn:
        facts = load_order(conn, "ORD-900001", today)
    assert len(seen) == 1
    assert facts is not None
    assert (facts.customer_id, facts.amount_minor, facts.currency) == (ALICE_ID, 24000, "EUR")
    assert (facts.plan_kind, facts.plan_status) == ("pay_in_4", "paused")
    assert facts.paused_until == today + timedelta(days=9)
    assert facts.plan_method_id is not None
    assert [item.seq for item in facts.instalments] == [1, 2, 3, 4]
    assert facts.instalments[0] == InstalmentFacts(
        seq=1, due_on=today - timedelta(days=14), amount_minor=6000, status="paid",
        postponed=False, late_fee_minor=0,
    )  # fmt: skip
    assert facts.instalments[1].status == "scheduled"  # due today: not overdue yet
    assert facts.instalments[1].late_fee_minor == 500
    assert facts.instalments[2].postponed
    assert facts.return_status == "in_transit"  # the newest return
    assert facts.refunded_minor == 6500  # pending and completed, not rejected
    assert facts.pending_refund_id == "RF-9000012"  # the first pending by id
    assert facts.open_dispute_id == "DS-9000012"


def test_an_order_without_plan_or_aftercare_has_none(demo_engine: Engine, today: date) -> None:
    _add_order(demo_engine, "ORD-900002", today, with_plan=False)
    with demo_engine.connect() as conn:
        facts = load_order(conn, "ORD-900002", today)
    assert facts is not None
    assert (facts.plan_kind, facts.plan_status, facts.plan_method_id) == (None, None, None)
    assert facts.instalments == ()
    assert (facts.return_status, facts.pending_refund_id, facts.open_dispute_id) == (
        None, None, None,
    )  # fmt: skip
    assert facts.refunded_minor == 0


def test_an_unknown_order_is_none(demo_engine: Engine, today: date) -> None:
    with demo_engine.connect() as conn:
        assert load_order(conn, "ORD-999999", today) is None


def test_an_instalment_past_its_day_is_overdue(demo_engine: Engine, today: date) -> None:
    _add_order(demo_engine, "ORD-900003", today, with_plan=True)
    with demo_engine.connect() as conn:
        facts = load_order(conn, "ORD-900003", today + timedelta(days=1))
    assert facts is not None
    # the row says scheduled; a day later the second is overdue
    assert [item.status for item in facts.instalments] == [
        "paid", "overdue", "scheduled", "scheduled",
    ]  # fmt: skip
