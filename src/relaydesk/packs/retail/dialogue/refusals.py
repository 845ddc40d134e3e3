"""What the customer is told when the policy refuses a change, in the policy's own terms."""

from __future__ import annotations

from typing import Any

from relaydesk.packs.retail.dialogue.sentences import Say, status
from relaydesk.tools import PolicyDecision

# The refusals said in their own words, with the details each sentence names.
_DETAILS: dict[str, tuple[str, ...]] = {
    "order_not_found": (),
    "not_pending": ("order_id", "status"),
    "not_delivered": ("order_id", "status"),
    "already_modified": ("order_id",),
    "already_exchanged": ("order_id",),
    "refund_method_not_allowed": (),
    "gift_card_balance_too_low": ("balance", "amount"),
    "item_not_available": (),
    "same_item": (),
    "different_product": (),
    "same_payment_method": (),
    "not_paid_once": (),
    "payment_method_not_found": (),
    "cancel_reason_not_accepted": (),
}
REFUSAL_KEYS = frozenset(f"store.refused.{reason}" for reason in _DETAILS)


def refusal(decision: PolicyDecision | None) -> Say:
    """One sentence for a refusal; other reasons (or missing details) are named plainly."""
    if decision is None:
        return Say("store.refused.none")
    needed = _DETAILS.get(decision.reason)
    if needed is None or any(name not in decision.details for name in needed):
        return Say("store.refused.other", {"reason": decision.reason.replace("_", " ")})
    values: dict[str, Any] = {name: decision.details[name] for name in needed}
    if "status" in values:
        values["status"] = status(str(values["status"]))
    return Say(f"store.refused.{decision.reason}", values)
