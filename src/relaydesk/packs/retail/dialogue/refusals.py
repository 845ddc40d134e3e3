"""What the customer is told when the policy refuses a change, in the policy's own terms."""

from __future__ import annotations

from relaydesk.tools import PolicyDecision

_SENTENCES = {
    "order_not_found": "I can't find that order on your account. Please check the order number.",
    "not_pending": "Order {order_id} is {status}: only pending orders can be cancelled or "
                   "modified.",
    "not_delivered": "Order {order_id} is {status}: only delivered orders can be returned or "
                     "exchanged.",
    "already_modified": "The items of order {order_id} were already modified; it cannot be "
                        "changed or cancelled again.",
    "already_exchanged": "An exchange was already requested for order {order_id}; it can be "
                         "done only once.",
    "refund_method_not_allowed": "A refund can only go to the original payment method or to "
                                 "an existing gift card.",
    "gift_card_balance_too_low": "The gift card's balance (${balance}) does not cover "
                                 "${amount}.",
    "item_not_available": "That item is not available right now.",
    "same_item": "An exchange has to be for a different option of the product; the same item "
                 "can only be returned.",
    "different_product": "An item can only be changed to another option of the same product.",
    "same_payment_method": "That is already the order's payment method.",
    "not_paid_once": "The payment method can only be changed for an order paid once.",
    "payment_method_not_found": "That payment method is not one of yours.",
    "cancel_reason_not_accepted": "An order can be cancelled only because it is no longer "
                                  "needed or was ordered by mistake.",
}


def refusal_text(decision: PolicyDecision | None) -> str:
    """One sentence for a refusal; unknown reasons are named plainly."""
    if decision is None:
        return "I'm sorry, that could not be done."
    template = _SENTENCES.get(decision.reason)
    if template is None:
        return f"I'm sorry, that could not be done ({decision.reason.replace('_', ' ')})."
    try:
        return template.format(**decision.details)
    except KeyError:
        return template.split(":")[0] + "."
