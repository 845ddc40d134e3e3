"""The store's own tables: db.json in, the same document out, on SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import Engine, inspect

from relaydesk.packs.retail.backend import (
    drop_store_schema,
    export_snapshot,
    read_snapshot,
    seed_store,
    store_is_seeded,
)
from relaydesk.packs.retail.evaluation.compare import first_difference
from relaydesk.packs.retail.evaluation.replay import replay_actions
from relaydesk.packs.retail.evaluation.tasks import GoldAction
from relaydesk.store.engine import make_engine
from relaydesk.store.tables import metadata as core_metadata

EXCHANGE_IN_TASK_0 = GoldAction(
    name="exchange_delivered_order_items",
    arguments={
        "order_id": "#W2378156",
        "item_ids": ["1151293680", "4983901480"],
        "new_item_ids": ["7706410293", "7747408585"],
        "payment_method_id": "credit_card_9513926",
    },
)


@pytest.fixture
def seeded(database_url: str) -> Iterator[Engine]:
    engine = make_engine(database_url)
    seed_store(engine)
    yield engine
    drop_store_schema(engine)
    engine.dispose()


def test_exporting_the_seeded_store_gives_back_db_json_field_by_field(seeded: Engine) -> None:
    with seeded.connect() as conn:
        exported = export_snapshot(conn)
    original = read_snapshot()
    assert first_difference(original, exported) is None
    assert exported == original
    assert list(exported["orders"]) == list(original["orders"])  # the file's order too


def test_seeding_again_puts_back_what_an_action_changed(seeded: Engine) -> None:
    replay = replay_actions(seeded, [EXCHANGE_IN_TASK_0])
    assert not replay.refused
    with seeded.connect() as conn:
        assert export_snapshot(conn)["orders"]["#W2378156"]["status"] == "exchange requested"
    summary = seed_store(seeded)
    assert (summary.products, summary.users, summary.orders) == (50, 500, 1000)
    with seeded.connect() as conn:
        assert first_difference(read_snapshot(), export_snapshot(conn)) is None


def test_an_exchange_leaves_the_same_end_state_on_both_databases(
    seeded: Engine, store: Engine
) -> None:
    assert not replay_actions(seeded, [EXCHANGE_IN_TASK_0]).refused
    assert not replay_actions(store, [EXCHANGE_IN_TASK_0]).refused
    with seeded.connect() as here, store.connect() as on_sqlite:
        assert first_difference(export_snapshot(on_sqlite), export_snapshot(here)) is None


def test_the_store_owns_its_tables_and_core_knows_none_of_them(tmp_path: object) -> None:
    engine = make_engine("sqlite://")
    try:
        assert not store_is_seeded(engine)
        seed_store(engine, {"products": {}, "users": {}, "orders": {}})
        names = set(inspect(engine).get_table_names())
        assert {"rt_products", "rt_orders", "rt_payments"} <= names
        assert not store_is_seeded(engine)  # tables, but no users yet
        assert not any(name.startswith("rt_") for name in core_metadata.tables)
    finally:
        engine.dispose()
