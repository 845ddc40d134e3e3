"""The store's policy (policy.md) as code: who may be helped, and what each change allows.

Every rule is a pure function of facts read from the store, so it is tested without a
database, and the same function decides both a preview (`ToolRegistry.check`) and the
re-check inside the tool's own transaction.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from relaydesk.tools import PolicyDecision, ToolContext, allow, deny

CANCEL_REASONS = ("no longer needed", "ordered by mistake")
PENDING = "pending"
DELIVERED = "delivered"
ITEMS_MODIFIED = "pending (item modified)"
RETURN_REQUESTED = "return requested"
EXCHANGE_REQUESTED = "exchange requested"
GIFT_CARD = "gift_card"


@dataclass(frozen=True)
class ItemFacts:
    item_id: str
    product_id: str
    price_cents: int


@dataclass(frozen=True)
class PaymentFacts:
    transaction_type: str  # payment | refund
    amount_cents: int
    payment_method_id: str


@dataclass(frozen=True)
class OrderFacts:
    """What the rules need to know about one order."""

    order_id: str
    user_id: str
    status: str
    items: tuple[ItemFacts, ...]
    payments: tuple[PaymentFacts, ...]

    @property
    def paid_with(self) -> str | None:
        """The original payment method: the one the first payment was made with."""
        firsts = [p for p in self.payments if p.transaction_type == "payment"]
        return firsts[0].payment_method_id if firsts else None


@dataclass(frozen=True)
class MethodFacts:
    payment_method_id: str
    user_id: str
    source: str  # credit_card | paypal | gift_card
    balance_cents: int | None


@dataclass(frozen=True)
class VariantFacts:
    item_id: str
    product_id: str
    available: bool
    price_cents: int


def money(cents: int) -> Decimal:
    """Cents as an exact two-decimal amount a reply can quote: 5288 -> 52.88."""
    return (Decimal(cents) / 100).quantize(Decimal("0.01"))


def verified(ctx: ToolContext[Any]) -> PolicyDecision | None:
    """A refusal until the customer is authenticated (by email, or by name and zip)."""
    return deny("not_authenticated") if ctx.customer_id is None else None


def one_customer(ctx: ToolContext[Any], found_user_id: str) -> PolicyDecision:
    """One customer per conversation: once someone is authenticated, no one else is."""
    if ctx.customer_id is not None and ctx.customer_id != found_user_id:
        return deny("another_customer")
    return allow()


def own_account(ctx: ToolContext[Any], user_id: str) -> PolicyDecision:
    """Only the authenticated customer's own profile may be read or changed."""
    refusal = verified(ctx)
    if refusal is not None:
        return refusal
    return allow() if user_id == ctx.customer_id else deny("not_your_account")


def own_order(ctx: ToolContext[Any], order: OrderFacts | None) -> PolicyDecision:
    """Authenticated, and the order exists and is theirs."""
    refusal = verified(ctx)
    if refusal is not None:
        return refusal
    # Another customer's order gets the same answer as a made-up one: a guesser learns
    # nothing about which order numbers exist.
    if order is None or order.user_id != ctx.customer_id:
        return deny("order_not_found")
    return allow()


def _in_status(order: OrderFacts, wanted: str) -> PolicyDecision | None:
    """A refusal naming the order's status unless it is the one an action needs."""
    if order.status == wanted:
        return None
    if order.status == ITEMS_MODIFIED and wanted == PENDING:
        return deny("already_modified", order_id=order.order_id, status=order.status)
    if order.status == EXCHANGE_REQUESTED and wanted == DELIVERED:
        return deny("already_exchanged", order_id=order.order_id, status=order.status)
    return deny(f"not_{wanted}", order_id=order.order_id, status=order.status)


def decide_cancel(order: OrderFacts, reason: str) -> PolicyDecision:
    """Only a pending order, and only for one of the two reasons the policy accepts."""
    refusal = _in_status(order, PENDING)
    if refusal is not None:
        return refusal
    if reason not in CANCEL_REASONS:
        return deny("cancel_reason_not_accepted", reasons=" / ".join(CANCEL_REASONS))
    refund = sum(p.amount_cents for p in order.payments if p.transaction_type == "payment")
    return allow(order_id=order.order_id, refund=str(money(refund)))


def decide_address_change(order: OrderFacts) -> PolicyDecision:
    """A pending order's shipping address may change."""
    return _in_status(order, PENDING) or allow(order_id=order.order_id)


def _method_of(user_id: str, method: MethodFacts | None) -> PolicyDecision | None:
    if method is None or method.user_id != user_id:
        return deny("payment_method_not_found")
    return None


def _gift_card_covers(method: MethodFacts, cents: int) -> PolicyDecision | None:
    """A gift card must hold at least a positive amount it is asked to pay."""
    if method.source == GIFT_CARD and cents > 0 and (method.balance_cents or 0) < cents:
        return deny(
            "gift_card_balance_too_low",
            balance=str(money(method.balance_cents or 0)),
            amount=str(money(cents)),
        )
    return None


def decide_payment_change(order: OrderFacts, method: MethodFacts | None) -> PolicyDecision:
    """A pending order paid once may be paid with another of the customer's methods instead."""
    refusal = _in_status(order, PENDING) or _method_of(order.user_id, method)
    if refusal is not None or method is None:
        return refusal or deny("payment_method_not_found")
    if len(order.payments) != 1 or order.payments[0].transaction_type != "payment":
        return deny("not_paid_once", order_id=order.order_id)
    paid = order.payments[0]
    if paid.payment_method_id == method.payment_method_id:
        return deny("same_payment_method")
    refusal = _gift_card_covers(method, paid.amount_cents)
    return refusal or allow(order_id=order.order_id, amount=str(money(paid.amount_cents)))


def _items_in_order(order: OrderFacts, item_ids: Sequence[str]) -> PolicyDecision | None:
    """Every named item is in the order, as many times as it is named."""
    if not item_ids:
        return deny("no_items")
    have = Counter(item.item_id for item in order.items)
    for item_id, wanted in Counter(item_ids).items():
        if have[item_id] < wanted:
            return deny("item_not_in_order", item_id=item_id)
    return None


def price_difference(
    order: OrderFacts, item_ids: Sequence[str], new_items: Sequence[VariantFacts]
) -> int:
    """What the new items cost more (positive) or less (negative) than the old, in cents."""
    prices = {item.item_id: item.price_cents for item in order.items}
    return sum(v.price_cents for v in new_items) - sum(prices[i] for i in item_ids)


def decide_item_change(
    order: OrderFacts,
    item_ids: Sequence[str],
    new_items: Sequence[VariantFacts | None],
    method: MethodFacts | None,
    status: str,
) -> PolicyDecision:
    """Modify (pending) or exchange (delivered): once per order, each item to an available
    other variant of the same product, the difference paid or refunded with the customer's
    method, a gift card covering a positive difference."""
    refusal = _in_status(order, status) or _items_in_order(order, item_ids)
    if refusal is not None:
        return refusal
    if len(new_items) != len(item_ids):
        return deny("items_count_mismatch")
    products = {item.item_id: item.product_id for item in order.items}
    found: list[VariantFacts] = []
    for old_id, new in zip(item_ids, new_items, strict=True):
        refusal = _variant_refusal(old_id, products[old_id], new)
        if refusal is not None:
            return refusal
        assert new is not None
        found.append(new)
    refusal = _method_of(order.user_id, method)
    if refusal is not None or method is None:
        return refusal or deny("payment_method_not_found")
    difference = price_difference(order, item_ids, found)
    refusal = _gift_card_covers(method, difference)
    return refusal or allow(order_id=order.order_id, difference=str(money(difference)))


def _variant_refusal(
    old_id: str, product_id: str, new: VariantFacts | None
) -> PolicyDecision | None:
    if new is None:
        return deny("item_not_found")
    if new.product_id != product_id:
        return deny("different_product", item_id=new.item_id)
    if new.item_id == old_id:
        return deny("same_item", item_id=new.item_id)
    if not new.available:
        return deny("item_not_available", item_id=new.item_id)
    return None


def decide_return(
    order: OrderFacts, item_ids: Sequence[str], method: MethodFacts | None
) -> PolicyDecision:
    """A delivered order's items, refunded to the original method or an existing gift card."""
    refusal = _in_status(order, DELIVERED) or _items_in_order(order, item_ids)
    if refusal is not None:
        return refusal
    refusal = _method_of(order.user_id, method)
    if refusal is not None or method is None:
        return refusal or deny("payment_method_not_found")
    if method.payment_method_id != order.paid_with and method.source != GIFT_CARD:
        return deny("refund_method_not_allowed", original=order.paid_with or "")
    prices = {item.item_id: item.price_cents for item in order.items}
    refund = sum(prices[item_id] for item_id in item_ids)
    return allow(order_id=order.order_id, refund=str(money(refund)))
