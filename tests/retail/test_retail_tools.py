"""The store's tools on a copy of db.json: authentication first, then the policy's rules."""

from __future__ import annotations

from sqlalchemy import Engine

from relaydesk.tools import ToolRegistry
from retail.helpers import (
    ESPRESSO,
    ESPRESSO_19_BAR_1_5L,
    MOUSE,
    MOUSE_UNAVAILABLE,
    MOUSE_WIRED_LASER,
    OLIVIA,
    OLIVIA_CARD,
    OLIVIA_DELIVERED,
    OLIVIA_GIFT_CARD,
    OLIVIA_GIFT_PAID,
    OLIVIA_PAYPAL,
    OLIVIA_PENDING,
    OLIVIA_PROCESSED,
    SNEAKERS,
    YUSUF,
    YUSUF_DELIVERED,
    call,
    order,
    snapshot,
)


def _balance(store: Engine, method: str = OLIVIA_GIFT_CARD) -> float:
    balance: float = snapshot(store)["users"][OLIVIA]["payment_methods"][method]["balance"]
    return balance


def test_customers_are_found_by_email_or_by_name_and_zip_in_any_case(
    tools: ToolRegistry, store: Engine
) -> None:
    by_email = call(tools, store, "find_user_id_by_email", None,
                    email=" Olivia.Ito5204@example.com ")
    assert by_email.result == {"user_id": OLIVIA}
    by_name = call(tools, store, "find_user_id_by_name_zip", None,
                   first_name="yusuf", last_name="ROSSI", zip="19122")
    assert by_name.result == {"user_id": YUSUF}
    wrong_zip = call(tools, store, "find_user_id_by_name_zip", None,
                     first_name="Yusuf", last_name="Rossi", zip="19123")
    assert wrong_zip.decision is not None and wrong_zip.decision.reason == "user_not_found"


def test_nothing_is_read_or_changed_before_authentication_even_with_a_user_id(
    tools: ToolRegistry, store: Engine
) -> None:
    for name, params in (
        ("get_user_details", {"user_id": OLIVIA}),
        ("get_order_details", {"order_id": OLIVIA_PENDING}),
        ("get_product_details", {"product_id": "5713490933"}),
        ("cancel_pending_order", {"order_id": OLIVIA_PENDING, "reason": "no longer needed"}),
    ):
        outcome = call(tools, store, name, None, **params)
        assert outcome.status == "denied", name
        assert outcome.decision is not None and outcome.decision.reason == "not_authenticated"
    assert order(store, OLIVIA_PENDING)["status"] == "pending"


def test_one_customer_per_conversation_and_only_their_own_data(
    tools: ToolRegistry, store: Engine
) -> None:
    other = call(tools, store, "find_user_id_by_email", OLIVIA,
                 email="yusuf.rossi7301@example.com")
    assert other.decision is not None and other.decision.reason == "another_customer"
    for name, params in (
        ("get_user_details", {"user_id": YUSUF}),
        ("get_order_details", {"order_id": YUSUF_DELIVERED}),
        ("modify_user_address", {"user_id": YUSUF, "address1": "1 Main St", "address2": "",
                                 "city": "Austin", "state": "TX", "country": "USA",
                                 "zip": "78701"}),
    ):
        outcome = call(tools, store, name, OLIVIA, **params)
        assert outcome.status == "denied", name
    assert snapshot(store)["users"][YUSUF]["address"]["city"] == "Philadelphia"


def test_cancelling_refunds_every_payment_and_credits_a_gift_card_at_once(
    tools: ToolRegistry, store: Engine
) -> None:
    refused = call(tools, store, "cancel_pending_order", OLIVIA,
                   order_id=OLIVIA_GIFT_PAID, reason="changed my mind")
    assert refused.decision is not None
    assert refused.decision.reason == "cancel_reason_not_accepted"
    done = call(tools, store, "cancel_pending_order", OLIVIA,
                order_id="w3657213", reason="Ordered by mistake")
    assert done.status == "done"
    cancelled = order(store, OLIVIA_GIFT_PAID)
    assert cancelled["status"] == "cancelled"
    assert cancelled["cancel_reason"] == "ordered by mistake"
    assert cancelled["payment_history"][-1] == {
        "transaction_type": "refund", "amount": 3570.34, "payment_method_id": OLIVIA_GIFT_CARD}
    assert _balance(store) == 3626.34
    again = call(tools, store, "cancel_pending_order", OLIVIA,
                 order_id=OLIVIA_GIFT_PAID, reason="no longer needed")
    assert again.decision is not None and again.decision.reason == "not_pending"


def test_only_pending_orders_change_and_only_delivered_ones_come_back(
    tools: ToolRegistry, store: Engine
) -> None:
    cancel = call(tools, store, "cancel_pending_order", OLIVIA,
                  order_id=OLIVIA_PROCESSED, reason="no longer needed")
    assert cancel.decision is not None and cancel.decision.reason == "not_pending"
    back = call(tools, store, "return_delivered_order_items", OLIVIA, order_id=OLIVIA_PENDING,
                item_ids=[MOUSE], payment_method_id=OLIVIA_CARD)
    assert back.decision is not None and back.decision.reason == "not_delivered"


def test_items_of_a_pending_order_are_modified_once_and_the_gift_card_pays_the_difference(
    tools: ToolRegistry, store: Engine
) -> None:
    for new_item, reason in ((MOUSE_UNAVAILABLE, "item_not_available"),
                             (SNEAKERS, "different_product"), (MOUSE, "same_item")):
        refused = call(tools, store, "modify_pending_order_items", OLIVIA,
                       order_id=OLIVIA_PENDING, item_ids=[MOUSE], new_item_ids=[new_item],
                       payment_method_id=OLIVIA_GIFT_CARD)
        assert refused.decision is not None and refused.decision.reason == reason
    done = call(tools, store, "modify_pending_order_items", OLIVIA, order_id=OLIVIA_PENDING,
                item_ids=[MOUSE], new_item_ids=[MOUSE_WIRED_LASER],
                payment_method_id=OLIVIA_GIFT_CARD)
    assert done.status == "done"
    modified = order(store, OLIVIA_PENDING)
    assert modified["status"] == "pending (item modified)"
    assert modified["items"][0]["item_id"] == MOUSE_WIRED_LASER
    assert modified["items"][0]["price"] == 162.15
    assert modified["items"][0]["options"]["sensor type"] == "laser"
    assert modified["payment_history"][-1] == {
        "transaction_type": "payment", "amount": 24.83, "payment_method_id": OLIVIA_GIFT_CARD}
    assert _balance(store) == 31.17
    second = call(tools, store, "modify_pending_order_items", OLIVIA, order_id=OLIVIA_PENDING,
                  item_ids=[MOUSE_WIRED_LASER], new_item_ids=[MOUSE],
                  payment_method_id=OLIVIA_CARD)
    assert second.decision is not None and second.decision.reason == "already_modified"
    cancel = call(tools, store, "cancel_pending_order", OLIVIA,
                  order_id=OLIVIA_PENDING, reason="no longer needed")
    assert cancel.decision is not None and cancel.decision.reason == "already_modified"


def test_paying_a_pending_order_another_way_refunds_the_first_method(
    tools: ToolRegistry, store: Engine
) -> None:
    too_little = call(tools, store, "modify_pending_order_payment", OLIVIA,
                      order_id=OLIVIA_PENDING, payment_method_id=OLIVIA_GIFT_CARD)
    assert too_little.decision is not None
    assert too_little.decision.reason == "gift_card_balance_too_low"
    same = call(tools, store, "modify_pending_order_payment", OLIVIA,
                order_id=OLIVIA_PENDING, payment_method_id=OLIVIA_CARD)
    assert same.decision is not None and same.decision.reason == "same_payment_method"
    done = call(tools, store, "modify_pending_order_payment", OLIVIA,
                order_id=OLIVIA_PENDING, payment_method_id=OLIVIA_PAYPAL)
    assert done.status == "done"
    assert order(store, OLIVIA_PENDING)["payment_history"][1:] == [
        {"transaction_type": "payment", "amount": 663.85, "payment_method_id": OLIVIA_PAYPAL},
        {"transaction_type": "refund", "amount": 663.85, "payment_method_id": OLIVIA_CARD},
    ]


def test_an_exchange_records_sorted_items_and_the_price_difference_once(
    tools: ToolRegistry, store: Engine
) -> None:
    short = call(tools, store, "exchange_delivered_order_items", OLIVIA,
                 order_id=OLIVIA_DELIVERED, item_ids=[ESPRESSO],
                 new_item_ids=[ESPRESSO_19_BAR_1_5L], payment_method_id=OLIVIA_GIFT_CARD)
    assert short.decision is not None and short.decision.reason == "gift_card_balance_too_low"
    done = call(tools, store, "exchange_delivered_order_items", OLIVIA,
                order_id=OLIVIA_DELIVERED, item_ids=[ESPRESSO],
                new_item_ids=[ESPRESSO_19_BAR_1_5L], payment_method_id=OLIVIA_PAYPAL)
    assert done.status == "done"
    exchanged = order(store, OLIVIA_DELIVERED)
    assert exchanged["status"] == "exchange requested"
    assert exchanged["exchange_items"] == [ESPRESSO]
    assert exchanged["exchange_new_items"] == [ESPRESSO_19_BAR_1_5L]
    assert exchanged["exchange_price_difference"] == 293.43
    assert exchanged["items"][0]["item_id"] == ESPRESSO  # nothing is replaced until it is back
    again = call(tools, store, "exchange_delivered_order_items", OLIVIA,
                 order_id=OLIVIA_DELIVERED, item_ids=[SNEAKERS],
                 new_item_ids=["6477915553"], payment_method_id=OLIVIA_PAYPAL)
    assert again.decision is not None and again.decision.reason == "already_exchanged"


def test_a_return_refunds_the_original_method_or_a_gift_card_but_no_other(
    tools: ToolRegistry, store: Engine
) -> None:
    other_card = call(tools, store, "return_delivered_order_items", OLIVIA,
                      order_id=OLIVIA_DELIVERED, item_ids=[SNEAKERS, ESPRESSO],
                      payment_method_id=OLIVIA_CARD)
    assert other_card.decision is not None
    assert other_card.decision.reason == "refund_method_not_allowed"
    done = call(tools, store, "return_delivered_order_items", OLIVIA,
                order_id=OLIVIA_DELIVERED, item_ids=[SNEAKERS, ESPRESSO],
                payment_method_id=OLIVIA_GIFT_CARD)
    assert done.status == "done"
    returned = order(store, OLIVIA_DELIVERED)
    assert returned["status"] == "return requested"
    assert returned["return_items"] == sorted([SNEAKERS, ESPRESSO])
    assert returned["return_payment_method_id"] == OLIVIA_GIFT_CARD


def test_the_customers_own_address_changes_and_lookups_show_their_data(
    tools: ToolRegistry, store: Engine
) -> None:
    moved = call(tools, store, "modify_user_address", OLIVIA, user_id=OLIVIA,
                 address1="12 Elm Street", address2="", city="Boulder", state="CO",
                 country="USA", zip="80301")
    assert moved.status == "done"
    details = call(tools, store, "get_user_details", OLIVIA, user_id=OLIVIA).result
    assert details is not None and details["address"]["city"] == "Boulder"
    assert OLIVIA_PENDING in details["orders"]
    product = call(tools, store, "get_product_details", OLIVIA, product_id="5713490933").result
    assert product is not None and product["variants"][MOUSE]["price"] == "137.32"
    types = call(tools, store, "list_all_product_types", OLIVIA).result
    assert types is not None and len(types["products"]) == 50


def test_calculate_does_arithmetic_and_nothing_else(tools: ToolRegistry, store: Engine) -> None:
    sum_ = call(tools, store, "calculate", None, expression="652.61 + 473.43")
    assert sum_.result == {"result": "1126.04"}
    for unsafe in ("__import__('os')", "2 ** 100000", "1 / 0", "x + 1"):
        refused = call(tools, store, "calculate", None, expression=unsafe)
        assert refused.decision is not None and refused.decision.reason == "not_arithmetic"
