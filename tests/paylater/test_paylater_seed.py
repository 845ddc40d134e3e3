"""The seeded demo data set: deterministic, large enough, believable, with the demo story."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import ColumnElement, Engine, Table, func, select

from relaydesk.packs.paylater.backend import (
    ALICE_ID,
    ALICE_PLAN_ORDER_ID,
    ALICE_REFUND_ID,
    SVEN_ID,
    SVEN_OVERDUE_ORDER_ID,
    backend_is_seeded,
    build_backend_rows,
    drop_backend_schema,
    seed_backend,
)
from relaydesk.packs.paylater.backend import tables as t


def _count(engine: Engine, table: Table, *where: ColumnElement[bool]) -> int:
    with engine.connect() as conn:
        query = select(func.count()).select_from(table).where(*where)
        return int(conn.execute(query).scalar_one())


def test_the_same_seed_and_day_give_exactly_the_same_rows() -> None:
    first = build_backend_rows(seed=42, customers=200, today=date(2026, 3, 16))
    second = build_backend_rows(seed=42, customers=200, today=date(2026, 3, 16))
    assert first.by_table == second.by_table


def test_a_different_seed_gives_different_customers() -> None:
    first = build_backend_rows(seed=1, customers=20, today=date(2026, 3, 16))
    second = build_backend_rows(seed=2, customers=20, today=date(2026, 3, 16))
    assert first.by_table[t.customers.name] != second.by_table[t.customers.name]


def test_the_default_seed_makes_at_least_200_customers_and_1000_orders(
    backend_engine: Engine, today: date
) -> None:
    summary = seed_backend(backend_engine, today=today)
    assert summary.customers >= 200
    assert summary.orders >= 1000
    assert _count(backend_engine, t.customers) == summary.customers
    assert _count(backend_engine, t.orders) == summary.orders
    assert _count(backend_engine, t.instalments) == summary.instalments
    assert backend_is_seeded(backend_engine)


def test_reseeding_replaces_the_rows_instead_of_adding_to_them(
    backend_engine: Engine, today: date
) -> None:
    seed_backend(backend_engine, seed=3, customers=10, today=today)
    summary = seed_backend(backend_engine, seed=3, customers=10, today=today)
    assert _count(backend_engine, t.orders) == summary.orders


def test_the_data_mixes_currencies_plan_states_returns_and_refunds() -> None:
    rows = build_backend_rows(seed=42, customers=200, today=date(2026, 3, 16)).by_table
    currencies = {order["currency"] for order in rows[t.orders.name]}
    instalment_states = {item["status"] for item in rows[t.instalments.name]}
    plan_kinds = {plan["kind"] for plan in rows[t.payment_plans.name]}
    return_states = {item["status"] for item in rows[t.returns.name]}
    refund_states = {item["status"] for item in rows[t.refunds.name]}
    languages = {customer["language"] for customer in rows[t.customers.name]}
    assert currencies == {"EUR", "SEK"}
    assert instalment_states == {"scheduled", "paid", "overdue"}
    assert plan_kinds == {"pay_in_4", "pay_in_30"}
    assert {"requested", "in_transit", "received", "completed"} <= return_states
    assert {"pending", "completed"} <= refund_states
    assert {"sv", "fi", "de", "en"} <= languages
    overdue_share = sum(
        item["status"] == "overdue" for item in rows[t.instalments.name]
    ) / len(rows[t.instalments.name])
    assert 0.01 < overdue_share < 0.15


def test_every_pay_in_4_plan_adds_up_to_its_order_amount() -> None:
    rows = build_backend_rows(seed=42, customers=50, today=date(2026, 3, 16)).by_table
    amounts = {order["id"]: order["amount_minor"] for order in rows[t.orders.name]}
    totals: dict[str, int] = {}
    for item in rows[t.instalments.name]:
        order_id = "ORD-" + item["plan_id"].removeprefix("PL-")
        totals[order_id] = totals.get(order_id, 0) + item["amount_minor"]
    assert totals == amounts


def test_alices_next_instalment_is_due_in_three_days_and_can_be_postponed(
    demo_engine: Engine, today: date
) -> None:
    with demo_engine.connect() as conn:
        due = conn.execute(
            select(t.instalments.c.due_on, t.instalments.c.status, t.instalments.c.postponed)
            .where(t.instalments.c.plan_id == "PL-" + ALICE_PLAN_ORDER_ID.removeprefix("ORD-"))
            .where(t.instalments.c.status != "paid")
            .order_by(t.instalments.c.seq)
        ).first()
    assert due is not None
    assert tuple(due) == (today + timedelta(days=3), "scheduled", False)


def test_the_demo_customers_have_their_stable_ids_and_languages(demo_engine: Engine) -> None:
    with demo_engine.connect() as conn:
        people = dict(
            conn.execute(
                select(t.customers.c.id, t.customers.c.language).where(
                    t.customers.c.id.in_([ALICE_ID, SVEN_ID])
                )
            ).all()
        )
    assert people == {ALICE_ID: "en", SVEN_ID: "sv"}
    assert _count(demo_engine, t.refunds, t.refunds.c.id == ALICE_REFUND_ID) == 1
    overdue_plan = "PL-" + SVEN_OVERDUE_ORDER_ID.removeprefix("ORD-")
    assert _count(
        demo_engine, t.instalments,
        t.instalments.c.plan_id == overdue_plan, t.instalments.c.status == "overdue",
    ) == 1


def test_dropping_the_backend_leaves_no_demo_tables(backend_engine: Engine) -> None:
    seed_backend(backend_engine, customers=1, today=date(2026, 3, 16))
    drop_backend_schema(backend_engine)
    assert not backend_is_seeded(backend_engine)
