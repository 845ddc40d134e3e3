"""The store assistant's memory survives JSON, as the engine keeps it between turns."""

from __future__ import annotations

import json
from dataclasses import dataclass
from decimal import Decimal

import pytest

from relaydesk.packs.retail.dialogue.agent import Conversation
from relaydesk.packs.retail.dialogue.memory import dump_memory, load_memory
from relaydesk.packs.retail.dialogue.planning import OpenItem
from relaydesk.packs.retail.dialogue.proposals import Proposal


def through_json(conversation: Conversation) -> Conversation:
    # sort_keys: PostgreSQL's JSONB gives keys back in another order than they were written
    return load_memory(json.loads(json.dumps(dump_memory(conversation), sort_keys=True)))


def test_a_conversation_in_progress_comes_back_equal() -> None:
    line = {"item_id": "1", "name": "Water Bottle", "price": 29.8, "options": {"color": "blue"}}
    order = {"order_id": "#W1", "status": "delivered", "items": [line]}
    conversation = Conversation(customer_id="ann_lee_1", orders={"#W1": order})
    conversation.awaiting = Proposal("return", "#W1", items=[line], method={"source": "paypal"})
    conversation.plan.changes[("exchange", "#W1")] = [(line, {"item_id": "2", "price": 30})]
    conversation.plan.open_items.append(OpenItem("exchange", "#W1", line, "a blue one"))
    conversation.plan.last_items = [(0, order, line)]
    conversation.question_open = True

    restored = through_json(conversation)

    assert restored == conversation
    assert isinstance(restored.awaiting, Proposal)
    assert list(restored.plan.changes) == [("exchange", "#W1")]
    assert restored.plan.changes[("exchange", "#W1")][0] == (line, {"item_id": "2", "price": 30})


def test_one_order_line_named_in_several_places_stays_one_object() -> None:
    # Two equal lines (the same item ordered twice) are told apart by identity.
    first = {"item_id": "1", "name": "Water Bottle"}
    second = dict(first)
    order = {"order_id": "#W1", "items": [first, second]}
    conversation = Conversation(orders={"#W1": order})
    conversation.plan.open_items.append(OpenItem("return", "#W1", second, "the bottle"))

    restored = through_json(conversation)

    items = restored.orders["#W1"]["items"]
    assert restored.plan.open_items[0].item is items[1]
    assert restored.plan.open_items[0].item is not items[0]


def test_an_empty_memory_is_a_new_conversation_and_decimals_stay_decimal() -> None:
    assert load_memory({}) == Conversation()
    conversation = Conversation(user={"balance": Decimal("44.00")})
    assert through_json(conversation).user["balance"] == Decimal("44.00")


def test_only_the_assistants_own_kinds_are_written() -> None:
    @dataclass
    class Stranger:
        value: int = 1

    with pytest.raises(TypeError, match="Stranger"):
        dump_memory(Conversation(user={"x": Stranger()}))
