"""A change the assistant proposes, how it is worded for confirmation, and its parameters."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from relaydesk.packs.retail.dialogue.addresses import address_text
from relaydesk.packs.retail.dialogue.sentences import Say, cancel_reason

CHANGE_TOOLS = {"exchange": "exchange_delivered_order_items",
                "modify": "modify_pending_order_items"}


def options_text(options: dict[str, str]) -> str:
    return ", ".join(f"{key} {value}" for key, value in options.items())


def method_text(method: dict[str, Any]) -> Say:
    source = method.get("source")
    if source == "credit_card":
        return Say("store.method.card", {"brand": str(method.get("brand") or "credit").title(),
                                         "last_four": method["last_four"]})
    if source == "gift_card":
        return Say("store.method.gift_card", {"balance": method["balance"]})
    return Say("store.method.paypal")


@dataclass
class Proposal:
    """One write for one order (or the profile), waiting for the customer's yes."""

    kind: str  # cancel | return | exchange | modify
    order_id: str
    items: list[dict[str, Any]] = field(default_factory=list)  # the order's item lines
    new_items: list[dict[str, Any]] = field(default_factory=list)  # variants, same order
    method: dict[str, Any] | None = None
    reason: str | None = None
    address: dict[str, str] | None = None  # order_address | user_address: the new address

    @property
    def tool(self) -> str:
        if self.kind == "order_address":
            return "modify_pending_order_address"
        if self.kind == "user_address":
            return "modify_user_address"
        if self.kind == "cancel":
            return "cancel_pending_order"
        if self.kind == "return":
            return "return_delivered_order_items"
        return CHANGE_TOOLS[self.kind]

    def params(self) -> dict[str, Any]:
        if self.kind == "order_address":
            return {"order_id": self.order_id, **(self.address or {})}
        if self.kind == "user_address":
            return {"user_id": self.order_id, **(self.address or {})}
        if self.kind == "cancel":
            return {"order_id": self.order_id, "reason": self.reason}
        params: dict[str, Any] = {
            "order_id": self.order_id,
            "item_ids": [item["item_id"] for item in self.items],
            "payment_method_id": self.method["payment_method_id"] if self.method else "",
        }
        if self.kind in CHANGE_TOOLS:
            params["new_item_ids"] = [variant["item_id"] for variant in self.new_items]
        return params

    def difference(self) -> Decimal:
        new = sum((Decimal(str(v["price"])) for v in self.new_items), Decimal(0))
        return new - sum((Decimal(str(i["price"])) for i in self.items), Decimal(0))

    def describe(self) -> Say:
        """The details the customer confirms: items, new options, prices, money, method."""
        address = address_text(self.address or {}) if self.address is not None else ""
        if self.kind == "order_address":
            return Say("store.propose.order_address",
                       {"order_id": self.order_id, "address": address})
        if self.kind == "user_address":
            return Say("store.propose.user_address", {"address": address})
        if self.kind == "cancel":
            listed = ", ".join(item["name"] for item in self.items)
            return Say("store.propose.cancel", {"order_id": self.order_id, "items": listed,
                                                "reason": cancel_reason(self.reason or "")})
        method = method_text(self.method or {})
        if self.kind == "return":
            total = sum((Decimal(str(i["price"])) for i in self.items), Decimal(0))
            listed = "; ".join(f"{i['name']} ({options_text(i['options'])}) ${i['price']}"
                               for i in self.items)
            return Say("store.propose.return", {"order_id": self.order_id, "items": listed,
                                                "total": total, "method": method})
        lines = "; ".join(
            f"{old['name']} ({options_text(old['options'])}) ${old['price']} -> "
            f"({options_text(new['options'])}) ${new['price']}"
            for old, new in zip(self.items, self.new_items, strict=True)
        )
        difference = self.difference()
        money = (Say("store.money.pay", {"amount": difference}) if difference > 0
                 else Say("store.money.back", {"amount": -difference}))
        return Say(f"store.propose.{self.kind}", {"order_id": self.order_id, "items": lines,
                                                   "money": money, "method": method})
