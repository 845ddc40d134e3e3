"""Replaying the training tasks' gold calls, and finding where two end states differ."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Engine

from relaydesk.packs.retail.backend import export_snapshot
from relaydesk.packs.retail.evaluation.compare import first_difference
from relaydesk.packs.retail.evaluation.replay import StoreCopies, replay_actions
from relaydesk.packs.retail.evaluation.tasks import GoldAction, load_tasks

# Gold calls the benchmark's own tools refuse too, so they change nothing there either:
# lookups of ids that do not exist, a mistyped order id the customer corrects later, and an
# exchange a gift card cannot pay for.
REFUSED_GOLD_CALLS = {
    ("2", "get_product_details"), ("3", "get_product_details"), ("4", "get_product_details"),
    ("35", "find_user_id_by_email"), ("37", "find_user_id_by_email"),
    ("46", "get_order_details"), ("47", "get_order_details"),
    ("54", "find_user_id_by_email"), ("67", "find_user_id_by_name_zip"),
    ("105", "exchange_delivered_order_items"),
}


def _state(engine: Engine) -> dict[str, Any]:
    with engine.connect() as conn:
        return export_snapshot(conn)


def test_replaying_the_gold_calls_twice_gives_identical_end_states(
    store_copies: StoreCopies,
) -> None:
    task = next(task for task in load_tasks() if task.id == "0")
    states = []
    for _ in range(2):
        with store_copies.fresh() as engine:
            replay = replay_actions(engine, task.gold_actions)
            assert not replay.refused
            assert replay.customer_id == "yusuf_rossi_9620"
            states.append(_state(engine))
    assert first_difference(states[0], states[1]) is None
    assert states[0]["orders"]["#W2378156"]["status"] == "exchange requested"


def test_a_wrong_action_shows_as_the_first_difference(store_copies: StoreCopies) -> None:
    task = next(task for task in load_tasks() if task.id == "0")
    wrong = [action.model_copy(deep=True) for action in task.gold_actions]
    # clicky, full size, but a white backlight where the customer wanted none
    wrong[-1].arguments["new_item_ids"] = ["6342039236", "7747408585"]
    with store_copies.fresh() as gold_store, store_copies.fresh() as other_store:
        replay_actions(gold_store, task.gold_actions)
        assert not replay_actions(other_store, wrong).refused
        difference = first_difference(_state(gold_store), _state(other_store))
    assert difference is not None
    assert difference.path == "['orders']['#W2378156']['exchange_new_items'][0]"
    assert "7706410293" in difference.describe()


def test_a_refused_write_leaves_the_store_as_it_was(store_copies: StoreCopies) -> None:
    cancel = GoldAction(name="cancel_pending_order",
                        arguments={"order_id": "#W2378156", "reason": "no longer needed"})
    with store_copies.fresh() as engine:
        before = _state(engine)
        replay = replay_actions(engine, [cancel])
        assert [o.decision.reason for o in replay.refused if o.decision] == ["not_pending"]
        assert first_difference(before, _state(engine)) is None


def test_every_training_tasks_gold_calls_run_except_those_the_benchmark_refuses_too(
    store_copies: StoreCopies,
) -> None:
    refused = set()
    for task in load_tasks():
        with store_copies.fresh() as engine:
            for outcome in replay_actions(engine, task.gold_actions).refused:
                refused.add((task.id, outcome.tool))
    assert refused == REFUSED_GOLD_CALLS


def test_first_difference_walks_keys_in_order_and_lists_by_index() -> None:
    assert first_difference({"a": [1, {"b": 2}]}, {"a": [1, {"b": 2}]}) is None
    assert first_difference({"a": 100}, {"a": 100.0}) is None
    found = first_difference({"a": [1, {"b": 2}], "z": 1}, {"a": [1, {"b": 3}], "z": 2})
    assert found is not None and found.path == "['a'][1]['b']"
    missing = first_difference({"a": [1, 2]}, {"a": [1]})
    assert missing is not None and missing.describe() == "['a'][1]: expected 2, got nothing"
    assert first_difference({"flag": True}, {"flag": 1}) is not None
