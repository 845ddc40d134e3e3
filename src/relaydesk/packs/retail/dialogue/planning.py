"""Turning what the customer says into proposals: which orders, items, variants and method."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from relaydesk.packs.retail.dialogue import words as w
from relaydesk.packs.retail.dialogue.address_requests import address_request
from relaydesk.packs.retail.dialogue.cancellations import (
    answer_cancel_offer,
    cancel_reasons,
    cancel_request,
)
from relaydesk.packs.retail.dialogue.items import (
    CHANGEABLE,
    described,
    everything_but,
    items_named,
    left_alone,
    pick_among,
    segments,
    statuses_named,
    which_items,
)
from relaydesk.packs.retail.dialogue.matching import choose_variant, mentioned_at
from relaydesk.packs.retail.dialogue.proposals import Proposal, options_text
from relaydesk.packs.retail.dialogue.refusals import refusal
from relaydesk.packs.retail.dialogue.sentences import STATUSES, Listed, Say, status
from relaydesk.tools import deny

if TYPE_CHECKING:
    from relaydesk.packs.retail.dialogue.agent import StoreAssistant


@dataclass
class OpenItem:
    """An item to change whose new variant the customer has not pinned down yet."""

    kind: str
    order_id: str
    item: dict[str, Any]
    text: str


@dataclass
class Plan:
    """Requests in progress between messages, and what this message produced."""

    topic: str | None = None
    last_order: str | None = None  # the order the conversation is about, for "the order"
    open_items: list[OpenItem] = field(default_factory=list)
    changes: dict[tuple[str, str], list[tuple[dict[str, Any], dict[str, Any]]]] = field(
        default_factory=dict)
    cancels_without_reason: list[str] = field(default_factory=list)
    method_hint: str | None = None
    said: list[Say] = field(default_factory=list)
    question: Say | None = None
    question_order: str | None = None  # the order an open item's question is about
    soft_question: bool = False  # "which items?": not asked when something is ready instead
    retry: tuple[str, str] | None = None  # (kind, words) of a request waiting for "which one"
    returns: dict[str, list[dict[str, Any]]] = field(default_factory=dict)  # reopened returns
    last_items: list[Any] = field(default_factory=list)  # what "it" or "them" refers to
    cancel_offer: list[str] = field(default_factory=list)  # whole orders offered to cancel
    cancel_reason: str | None = None  # the reason the customer gave for cancelling
    address_wish: Any = None  # an address change waiting for its address
    previous_address: dict[str, str] | None = None  # the default address before a change
    ready: list[Proposal] = field(default_factory=list)

    def reopen(self, proposal: Proposal) -> None:
        """A proposal the customer did not confirm goes back to being collected."""
        if proposal.kind in ("exchange", "modify"):
            pairs = list(zip(proposal.items, proposal.new_items, strict=True))
            self.changes.setdefault((proposal.kind, proposal.order_id), []).extend(pairs)
        if proposal.kind == "return":
            self.returns[proposal.order_id] = list(proposal.items)
        self.last_order = proposal.order_id


def plan_requests(agent: StoreAssistant, text: str, plan: Plan) -> Plan:
    """Read one message into the plan: new requests, answers to open questions, proposals."""
    plan.method_hint = w.payment_hint(text) or plan.method_hint
    _unknown_orders(agent, text, plan)
    _tracking(agent, text, plan)
    answer_cancel_offer(text, plan)
    cancel_reasons(agent, text, plan)
    _answer_open_items(agent, text, plan)
    if plan.retry is not None:
        kind, earlier = plan.retry
        plan.retry = None
        _request(agent, f"{earlier} {text}", kind, plan)
    wants = w.wants(text)
    kinds = [kind for kind, wanted in (("cancel", wants.cancel), ("return", wants.return_),
                                       ("exchange", wants.exchange)) if wanted]
    if not kinds and plan.topic and not plan.open_items:
        kinds = [plan.topic]
    if wants.address or plan.address_wish is not None:
        address_request(agent, text, plan)
        if "exchange" in kinds and not re.search(r"\b(exchange|swap|replace|upgrade)\b",
                                                 text.lower()):
            kinds.remove("exchange")
    for kind in kinds:
        _request(agent, text, kind, plan)
    _leftover_returns(agent, plan)
    if not plan.open_items and not plan.cancels_without_reason:
        _ready_changes(agent, plan)
    return plan


def _unknown_orders(agent: StoreAssistant, text: str, plan: Plan) -> None:
    """Order numbers that are not the customer's are said so, not silently ignored."""
    numbers = re.findall(r"(?<![\w#])#?W?(\d{7})\b", text, flags=re.IGNORECASE)
    for digits in numbers:
        if f"#W{digits}" not in agent.state.orders:
            plan.said.append(Say("store.unknown_order", {"digits": digits}))


def _tracking(agent: StoreAssistant, text: str, plan: Plan) -> None:
    """'What's the tracking number?': for the orders named, or the one being discussed."""
    if "tracking" not in text.lower():
        return
    orders = agent.state.orders
    wanted = [o for o in w.order_ids(text) if o in orders]
    wanted = wanted or list(dict.fromkeys(
        h[1]["order_id"] for h in items_named(text, list(orders.values()), tuple(STATUSES))))
    wanted = wanted or list(dict.fromkeys(h[1]["order_id"] for h in plan.last_items))
    wanted = wanted or ([plan.last_order] if plan.last_order else [])
    for order_id in wanted:
        numbers = [n for f in orders[order_id]["fulfillments"] for n in f["tracking_id"]]
        values = {"order_id": order_id, "status": status(orders[order_id]["status"])}
        plan.said.append(
            Say("store.tracking", {**values, "numbers": ", ".join(numbers)}) if numbers
            else Say("store.no_tracking", values))


def _leftover_returns(agent: StoreAssistant, plan: Plan) -> None:
    """A reopened return with nothing added to it is proposed again as it was."""
    for order_id, items in plan.returns.items():
        method = method_for(agent, agent.state.orders[order_id], plan.method_hint)
        plan.ready.append(Proposal("return", order_id, items=items, method=method))
    plan.returns = {}


def _orders_named_or_all(agent: StoreAssistant, text: str) -> list[dict[str, Any]]:
    orders = agent.state.orders
    named = [orders[o] for o in w.order_ids(text) if o in orders]
    return named or list(orders.values())


def _request(agent: StoreAssistant, text: str, kind: str, plan: Plan) -> None:
    orders = _orders_named_or_all(agent, text)
    if kind == "cancel":
        cancel_request(agent, text, orders, plan)
        return
    statuses = ("delivered",) if kind == "return" else statuses_named(text)
    hits = items_named(text, orders, statuses)
    everything = re.search(r"\b(everything|all (?:the )?items|all of (?:it|them)|whole order)\b"
                           r"(?! (?:related|associated|connected|to do|not|that|for))",
                           text.lower())
    if kind == "return" and everything:
        hits = everything_but(text, orders, hits, plan.last_order)
    if not hits and re.search(r"\b(it|them|that one|this one)\b", text.lower()):
        hits = [h for h in plan.last_items if h[1]["status"] in statuses]
    if not hits:
        _no_items(agent, text, kind, orders, plan)
        return
    hits = _same_order(text, hits)
    hits, unclear = (hits, []) if everything else pick_among(text, hits)
    plan.last_items = hits
    if unclear:
        plan.retry = (kind, text)
        listed = tuple(
            Say("store.which_one.item", {"name": i["name"], "options": options_text(i["options"]),
                                         "price": i["price"], "order_id": o["order_id"]})
            for _p, o, i in unclear)
        plan.question = Say("store.which_one", {"items": Listed(listed, joiner_key="store.or")})
        return
    plan.topic = None
    plan.last_order = hits[0][1]["order_id"]
    if kind == "return":
        _returns(agent, hits, plan)
        return
    hits = described(text, hits)
    _drop_unwanted(text, hits, plan)
    for (_place, order, item), segment in zip(hits, segments(text, hits), strict=True):
        change = "exchange" if order["status"] == "delivered" else "modify"
        if _already_collected(plan, order["order_id"], item) or left_alone(text, item):
            continue
        if SAME_ITEM.search(segment) or (SAME_ITEM.search(text) and len(hits) == 1):
            plan.said.append(refusal(deny("same_item")))
            plan.topic = "exchange"  # the next words may well name the options instead
            continue
        _choose(agent, OpenItem(change, order["order_id"], item, segment), plan)


SAME_ITEM = re.compile(
    r"\bsame (?:item|exact item|model|specs)\b|\bidentical\b|\bnew one of the same\b"
)


def _same_order(text: str, hits: list[Any]) -> list[Any]:
    """'... and the jigsaw in the same order': items named after that phrase come from the
    order of the item named before it."""
    low = " ".join(w.words(text))
    if "same order" not in low or len(hits) < 2:
        return hits
    first_order = hits[0][1]["order_id"]
    names_there = {h[2]["name"] for h in hits if h[1]["order_id"] == first_order}
    return [h for h in hits if h[1]["order_id"] == first_order or h[2]["name"] not in names_there]


def _drop_unwanted(text: str, hits: list[Any], plan: Plan) -> None:
    """'Only the desk lamp' or 'leave the water bottle': collected changes of the orders
    concerned that are no longer wanted are dropped."""
    only = re.search(r"\b(only|just)\b", text.lower())
    named = {id(hit[2]) for hit in hits if not left_alone(text, hit[2])}
    orders = {hit[1]["order_id"] for hit in hits}

    def unwanted(item: dict[str, Any]) -> bool:
        return left_alone(text, item) or bool(only and id(item) not in named)

    for key, pairs in list(plan.changes.items()):
        if key[1] in orders:
            plan.changes[key] = [p for p in pairs if not unwanted(p[0])]
            if not plan.changes[key]:
                del plan.changes[key]
    plan.open_items = [o for o in plan.open_items
                       if o.order_id not in orders or not unwanted(o.item)]


def _already_collected(plan: Plan, order_id: str, item: dict[str, Any]) -> bool:
    """An item whose change is settled or being settled is not asked about again."""
    settled = [old for (_k, o), pairs in plan.changes.items() if o == order_id
               for old, _new in pairs]
    waiting = [open_item.item for open_item in plan.open_items if open_item.order_id == order_id]
    return any(other["item_id"] == item["item_id"] for other in (*settled, *waiting))


def _no_items(
    agent: StoreAssistant, text: str, kind: str, orders: list[dict[str, Any]], plan: Plan
) -> None:
    """Nothing of the right status was named: say why, or ask which items."""
    named_elsewhere = [
        order for order in agent.state.orders.values()
        if any(mentioned_at(text, item["name"]) >= 0 for item in order["items"])
    ]
    wrong = [o for o in named_elsewhere if o["status"] != CHANGEABLE[kind]]
    if wrong and kind in ("return", "exchange"):
        plan.last_order = wrong[0]["order_id"]
        plan.said.append(Say("store.wrong_status", {"order_id": wrong[0]["order_id"],
                                                    "status": status(wrong[0]["status"])}))
        return
    plan.topic = kind
    plan.question = which_items(kind, orders)
    plan.soft_question = True


def _prefer(text: str) -> str | None:
    low = text.lower()
    if re.search(r"cheapest|least expensive|lowest price", low):
        return "cheapest"
    if re.search(r"most expensive|priciest|highest price", low):
        return "dearest"
    return None


def _choose(agent: StoreAssistant, wanted: OpenItem, plan: Plan) -> None:
    product = agent.call("get_product_details", product_id=wanted.item["product_id"]).result
    variants = list((product or {}).get("variants", {}).values())
    by_id = [v for v in variants if v["item_id"] in w.item_ids(wanted.text)
             and v["item_id"] != wanted.item["item_id"]]
    if by_id:  # the customer named the new item's id
        plan.changes.setdefault((wanted.kind, wanted.order_id), []).append(
            (wanted.item, by_id[0]))
        return
    choice = choose_variant(wanted.text, wanted.item, variants, _prefer(wanted.text))
    if choice.variant is not None:
        pairs = plan.changes.setdefault((wanted.kind, wanted.order_id), [])
        pairs.append((wanted.item, choice.variant))
        return
    plan.open_items.append(wanted)
    plan.question_order = wanted.order_id
    options = choice.candidates or [v for v in variants if v["available"]]
    listed = "; ".join(f"{options_text(v['options'])} (${v['price']})" for v in options[:8])
    asked = options_text(choice.wanted) if choice.wanted else Say("store.those_options")
    key = "store.variants.several" if choice.candidates else "store.variants.none"
    plan.question = Say(key, {"name": wanted.item["name"],
                              "options": options_text(wanted.item["options"]),
                              "wanted": asked, "variants": listed})


def _answer_open_items(agent: StoreAssistant, text: str, plan: Plan) -> None:
    waiting, plan.open_items = plan.open_items, []
    low = text.lower()
    for open_item in waiting:
        skipped = re.search(r"\b(only|just|skip|forget|never ?mind|no exchange|don't)\b", low)
        named = mentioned_at(text, open_item.item["name"]) >= 0
        asks = w.wants(text)
        moved_on = (asks.cancel or asks.return_ or asks.address) and not named
        if (skipped and not named) or left_alone(text, open_item.item) or moved_on:
            continue
        open_item.text = f"{open_item.text} {text}"
        _choose(agent, open_item, plan)


def method_for(
    agent: StoreAssistant, order: dict[str, Any], hint: str | None
) -> dict[str, Any] | None:
    """The customer's method of the named kind (brand), else the one the order was paid
    with; None when they named a kind or brand they have none of."""
    methods = agent.state.user.get("payment_methods", [])
    original = order["payment_history"][0]["payment_method_id"]
    if hint and hint != "original":
        source, _, brand = hint.partition(":")
        kind = [m for m in methods if m["source"] == source
                and (not brand or str(m.get("brand") or "").lower() == brand)]
        if not kind:
            return None
        chosen: dict[str, Any] = next(
            (m for m in kind if m["payment_method_id"] == original), kind[0])
        return chosen
    paid_with: dict[str, Any] | None = next(
        (m for m in methods if m["payment_method_id"] == original), methods[0] if methods else None)
    return paid_with


def _returns(agent: StoreAssistant, hits: list[Any], plan: Plan) -> None:
    by_order: dict[str, list[dict[str, Any]]] = {}
    orders = {}
    for _place, order, item in hits:
        earlier = plan.returns.pop(order["order_id"], [])
        by_order.setdefault(order["order_id"], earlier)
        if all(item is not other for other in by_order[order["order_id"]]):
            by_order[order["order_id"]].append(item)
        orders[order["order_id"]] = order
    for order_id, items in by_order.items():
        method = method_for(agent, orders[order_id], plan.method_hint)
        plan.ready.append(Proposal("return", order_id, items=items, method=method))


def _ready_changes(agent: StoreAssistant, plan: Plan) -> None:
    for (kind, order_id), pairs in plan.changes.items():
        order = agent.state.orders[order_id]
        method = method_for(agent, order, plan.method_hint)
        plan.ready.append(Proposal(kind, order_id, items=[p[0] for p in pairs],
                                   new_items=[p[1] for p in pairs], method=method))
    plan.changes = {}
