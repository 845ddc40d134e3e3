"""Address changes: which orders (or the default address), and which new address."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from relaydesk.packs.retail.dialogue import words as w
from relaydesk.packs.retail.dialogue.addresses import (
    FIELDS,
    places_named,
    same_place,
    state_named,
    written_address,
)
from relaydesk.packs.retail.dialogue.items import items_named
from relaydesk.packs.retail.dialogue.proposals import Proposal
from relaydesk.packs.retail.dialogue.sentences import Say

if TYPE_CHECKING:
    from relaydesk.packs.retail.dialogue.agent import StoreAssistant
    from relaydesk.packs.retail.dialogue.planning import Plan

_USER = re.compile(r"\b(default|user|profile|account|home) address\b|\bmy address\b|"
                   r"\b(default|user|profile|account)\b.{0,30}\baddress\b")


@dataclass
class AddressWish:
    """Targets waiting for a new address (or its state)."""

    orders: list[str] = field(default_factory=list)
    user: bool = False
    address: dict[str, str] | None = None


def address_request(agent: StoreAssistant, text: str, plan: Plan) -> None:
    """Read which addresses change and to what; propose, or ask for what is missing."""
    text = _change_sentence(text)
    wish = plan.address_wish or AddressWish()
    plan.address_wish = None
    user_target, orders = _targets(agent, text, plan)
    wish.user = wish.user or user_target
    wish.orders += [o for o in orders if o not in wish.orders]
    if not wish.user and not wish.orders:
        plan.question = Say("store.address.which")
        plan.address_wish = wish
        return
    if wish.address is not None and not wish.address["state"]:
        wish.address["state"] = state_named(text) or ""  # the answer to "which state?"
    if wish.address is None:
        wish.address = _new_address(agent, text, wish, plan)
        if wish.address is not None and not wish.address["state"]:
            wish.address["state"] = state_named(text.replace(wish.address["city"], "")) or ""
    if wish.address is None or not wish.address["state"]:
        plan.address_wish = wish
        plan.question = Say("store.address.state" if wish.address is not None
                            else "store.address.new")
        return
    for order_id in wish.orders:
        plan.ready.append(Proposal("order_address", order_id, address=dict(wish.address)))
    if wish.user:
        plan.previous_address = {f: agent.state.user["address"][f] for f in FIELDS}
        plan.ready.append(Proposal("user_address", agent.state.user["user_id"],
                                   address=dict(wish.address)))


def _targets(agent: StoreAssistant, text: str, plan: Plan) -> tuple[bool, list[str]]:
    low = text.lower()
    source_part = _source_part(low)
    target_part = low[: len(low) - len(source_part)] if source_part else low
    user = bool(_USER.search(target_part)) and "order" not in target_part.split("address")[0][-25:]
    orders = agent.state.orders
    pending = [o for o in orders.values() if o["status"] == "pending"]
    named = [o for o in w.order_ids(target_part) if o in orders]
    if not named and re.search(r"\ball\b[^.]*\borders?\b|\borders\b", target_part):
        named = [o["order_id"] for o in pending]
    if not named:
        with_items = items_named(target_part, pending, "pending")
        named = list(dict.fromkeys(hit[1]["order_id"] for hit in with_items))
    places = places_named(target_part)
    if not named and places and "order" in target_part:
        named = [o["order_id"] for o in pending if same_place(o["address"], places, target_part)]
    if not named and re.search(r"\b(the|that|this) order\b", target_part) and plan.last_order:
        named = [plan.last_order]
    if not named and "order" in target_part and len(pending) == 1:
        named = [pending[0]["order_id"]]
    return user, named


def _change_sentence(text: str) -> str:
    """The sentence that asks for the address change, where a message tells a story first."""
    sentences = re.split(r"(?<=[.!?])\s+", text)
    asking = [s for s in sentences if "address" in s.lower() and CHANGE.search(s.lower())]
    return " ".join(asking) if asking else text


CHANGE = re.compile(r"\b(change|update|modify|switch|move|correct|fix|set|send)\b")


def _source_part(low: str) -> str:
    """The words from the ' to ' that says where things should go ('... to my NYC address')."""
    match = re.search(r"\b(?:to|into)\s+(?=my\b|the\b|your\b|our\b|be\b|that\b|\d)", low)
    return low[match.start():] if match else ""


def _new_address(
    agent: StoreAssistant, text: str, wish: AddressWish, plan: Plan
) -> dict[str, str] | None:
    written = written_address(text)
    if written is not None:
        return written
    low = text.lower()
    if re.search(r"\b(original|previous|old|back)\b", low) and plan.previous_address:
        return dict(plan.previous_address)
    orders = agent.state.orders
    source = _source_part(low) or low
    same_as = [o for o in w.order_ids(source) if o in orders and o not in wish.orders]
    if same_as:
        return {f: orders[same_as[0]]["address"][f] for f in FIELDS}
    if re.search(r"\bdefault|profile|account|home\b", source) and wish.orders:
        return {f: agent.state.user["address"][f] for f in FIELDS}
    others = [o for o in orders.values() if o["order_id"] not in wish.orders]
    with_items = items_named(source, others, tuple({o["status"] for o in others}))
    if with_items:
        return {f: with_items[0][1]["address"][f] for f in FIELDS}
    places = places_named(source)
    on_file = [agent.state.user["address"], *(o["address"] for o in orders.values())]
    for address in on_file:
        if same_place(address, places, source):
            return {f: address[f] for f in FIELDS}
    return None
