"""The store's policy as pure rules over facts, without a database."""

from __future__ import annotations

from typing import Any

from relaydesk.packs.retail.dialogue.refusals import refusal
from relaydesk.packs.retail.dialogue.sentences import in_language
from relaydesk.packs.retail.policy import (
    CANCEL_REASONS,
    ItemFacts,
    MethodFacts,
    OrderFacts,
    PaymentFacts,
    VariantFacts,
    decide_cancel,
    decide_item_change,
    decide_payment_change,
    decide_return,
    one_customer,
    own_account,
    own_order,
)
from relaydesk.packs.retail.tools import retail_context

KETTLE = ItemFacts("1000000001", "9832717871", 9480)
LAMP = ItemFacts("2000000001", "1111111111", 5000)
CARD = MethodFacts("credit_card_1", "ana", "credit_card", None)
OTHER_CARD = MethodFacts("credit_card_2", "ana", "credit_card", None)
GIFT = MethodFacts("gift_card_1", "ana", "gift_card", 1700)
SOMEONE_ELSES = MethodFacts("paypal_9", "bob", "paypal", None)


def _order(status: str = "pending", **changes: Any) -> OrderFacts:
    facts: dict[str, Any] = {
        "order_id": "#W1000000",
        "user_id": "ana",
        "status": status,
        "items": (KETTLE, KETTLE, LAMP),
        "payments": (PaymentFacts("payment", 23960, "credit_card_1"),),
    }
    facts.update(changes)
    return OrderFacts(**facts)


def _variant(item_id: str, product: str = "9832717871", price: int = 9480,
             available: bool = True) -> VariantFacts:
    return VariantFacts(item_id, product, available, price)


def _ctx(customer: str | None) -> Any:
    return retail_context(engine=None, customer_id=customer)  # type: ignore[arg-type]


def test_nothing_is_shown_before_the_customer_is_authenticated() -> None:
    assert own_order(_ctx(None), _order()).reason == "not_authenticated"
    assert own_account(_ctx(None), "ana").reason == "not_authenticated"


def test_one_customer_per_conversation() -> None:
    assert one_customer(_ctx(None), "bob").allowed
    assert one_customer(_ctx("ana"), "ana").allowed
    assert one_customer(_ctx("ana"), "bob").reason == "another_customer"
    assert own_order(_ctx("bob"), _order()).reason == "order_not_found"
    assert own_account(_ctx("bob"), "ana").reason == "not_your_account"


def test_only_the_two_policy_reasons_cancel_a_pending_order() -> None:
    for reason in CANCEL_REASONS:
        assert decide_cancel(_order(), reason).allowed
    refused = decide_cancel(_order(), "found it cheaper elsewhere")
    assert refused.reason == "cancel_reason_not_accepted"
    assert decide_cancel(_order("processed"), "no longer needed").reason == "not_pending"


def test_a_modified_order_cannot_be_modified_or_cancelled_again() -> None:
    modified = _order("pending (item modified)")
    assert decide_cancel(modified, "no longer needed").reason == "already_modified"
    change = decide_item_change(modified, ["2000000001"], [_variant("2000000002", "1111111111")],
                                CARD, "pending")
    assert change.reason == "already_modified"


def test_items_change_only_to_an_available_other_variant_of_the_same_product() -> None:
    def change(new: VariantFacts | None) -> str:
        return decide_item_change(_order(), [KETTLE.item_id], [new], CARD, "pending").reason

    assert change(_variant("1000000002")) == "ok"
    assert change(_variant("1000000002", product="5555555555")) == "different_product"
    assert change(_variant(KETTLE.item_id)) == "same_item"
    assert change(_variant("1000000002", available=False)) == "item_not_available"
    assert change(None) == "item_not_found"


def test_an_item_named_more_often_than_ordered_is_refused() -> None:
    twice = decide_item_change(_order(), [KETTLE.item_id] * 2,
                               [_variant("1000000002"), _variant("1000000003")], CARD, "pending")
    assert twice.allowed
    thrice = decide_item_change(_order(), [KETTLE.item_id] * 3,
                                [_variant("1000000002")] * 3, CARD, "pending")
    assert thrice.reason == "item_not_in_order"


def test_a_gift_card_must_cover_a_positive_difference_only() -> None:
    dearer = [_variant("1000000002", price=9480 + 1701)]
    refused = decide_item_change(_order(), [KETTLE.item_id], dearer, GIFT, "pending")
    assert refused.reason == "gift_card_balance_too_low"
    assert refused.details == {"balance": "17.00", "amount": "17.01"}
    just_enough = [_variant("1000000002", price=9480 + 1700)]
    assert decide_item_change(_order(), [KETTLE.item_id], just_enough, GIFT, "pending").allowed
    cheaper = [_variant("1000000002", price=100)]
    empty_card = MethodFacts("gift_card_1", "ana", "gift_card", 0)
    assert decide_item_change(_order(), [KETTLE.item_id], cheaper, empty_card, "pending").allowed


def test_the_difference_is_paid_with_the_customers_own_method() -> None:
    new = [_variant("1000000002")]
    refused = decide_item_change(_order(), [KETTLE.item_id], new, SOMEONE_ELSES, "pending")
    assert refused.reason == "payment_method_not_found"


def test_exchanges_need_a_delivered_order_and_happen_once() -> None:
    new = [_variant("1000000002")]
    assert decide_item_change(_order("delivered"), [KETTLE.item_id], new, CARD,
                              "delivered").allowed
    assert decide_item_change(_order(), [KETTLE.item_id], new, CARD,
                              "delivered").reason == "not_delivered"
    again = decide_item_change(_order("exchange requested"), [KETTLE.item_id], new, CARD,
                               "delivered")
    assert again.reason == "already_exchanged"


def test_refunds_go_to_the_original_method_or_an_existing_gift_card() -> None:
    delivered = _order("delivered")
    assert decide_return(delivered, [LAMP.item_id], CARD).details["refund"] == "50.00"
    assert decide_return(delivered, [LAMP.item_id], GIFT).allowed
    assert decide_return(delivered, [LAMP.item_id], OTHER_CARD).reason == \
        "refund_method_not_allowed"
    assert decide_return(_order(), [LAMP.item_id], CARD).reason == "not_delivered"


def test_a_new_payment_method_must_differ_and_a_gift_card_must_cover_the_total() -> None:
    assert decide_payment_change(_order(), OTHER_CARD).allowed
    assert decide_payment_change(_order(), CARD).reason == "same_payment_method"
    assert decide_payment_change(_order(), GIFT).reason == "gift_card_balance_too_low"
    twice_paid = _order(payments=(PaymentFacts("payment", 100, "credit_card_1"),
                                  PaymentFacts("payment", 100, "credit_card_2")))
    assert decide_payment_change(twice_paid, GIFT).reason == "not_paid_once"


def test_another_customers_order_is_refused_exactly_like_a_made_up_one() -> None:
    others, unknown = own_order(_ctx("bob"), _order()), own_order(_ctx("bob"), None)
    assert others == unknown
    assert refusal(others) == refusal(unknown)
    assert "another" not in in_language(refusal(others)).lower()
