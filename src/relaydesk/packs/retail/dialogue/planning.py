"""Turning what the customer says into proposals: which orders, items, variants and method."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from relaydesk.packs.retail.dialogue import words as w
from relaydesk.packs.retail.dialogue.matching import (
    choose_variant,
    mentioned_at,
    mentions,
    wanted_options,
)
from relaydesk.packs.retail.dialogue.proposals import Proposal, options_text

if TYPE_CHECKING:
    from relaydesk.packs.retail.dialogue.agent import StoreAssistant

CHANGEABLE = {"exchange": "delivered", "modify": "pending", "return": "delivered",
              "cancel": "pending"}


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
    said: list[str] = field(default_factory=list)
    question: str | None = None
    question_order: str | None = None  # the order an open item's question is about
    soft_question: bool = False  # "which items?": not asked when something is ready instead
    retry: tuple[str, str] | None = None  # (kind, words) of a request waiting for "which one"
    returns: dict[str, list[dict[str, Any]]] = field(default_factory=dict)  # reopened returns
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
    _reasons(agent, text, plan)
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
            plan.said.append(f"I can't find an order {digits} among your orders. Could you "
                             "check the number? Order numbers start with #W.")


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


def _statuses_named(text: str) -> tuple[str, ...]:
    """'in my pending order' or 'that I received' narrows which orders an item is in."""
    low = text.lower()
    if re.search(r"\bpending\b|just (?:placed|ordered)|not (?:yet )?(?:arrived|shipped)", low):
        return ("pending",)
    if re.search(r"\b(received|delivered|got)\b", low):
        return ("delivered",)
    return ("delivered", "pending")


def _whole_order(text: str) -> bool:
    return bool(re.search(r"\b(entire|whole|full|that|the|same) order\b", text.lower()))


def _mentions(text: str, orders: list[dict[str, Any]], status: str | tuple[str, ...]
              ) -> list[tuple[int, dict[str, Any], dict[str, Any]]]:
    """(where, order, item) for each item of these orders the message names."""
    statuses = (status,) if isinstance(status, str) else status
    found = []
    for order in orders:
        if order["status"] not in statuses:
            continue
        for item in order["items"]:
            place = mentioned_at(text, item["name"])
            if place >= 0:
                found.append((place, order, item))
    return sorted(found, key=lambda hit: hit[0])


def _segments(text: str, hits: list[tuple[int, dict[str, Any], dict[str, Any]]]) -> list[str]:
    """The words about each named item: from its name to the next item's name."""
    plain = w.words(text)
    places = sorted({hit[0] for hit in hits})
    segments = []
    for place, _order, _item in hits:
        later = [p for p in places if p > place]
        segments.append(" ".join(plain[place:later[0] if later else len(plain)]))
    return segments


def _request(agent: StoreAssistant, text: str, kind: str, plan: Plan) -> None:
    orders = _orders_named_or_all(agent, text)
    if kind == "cancel":
        _cancel(agent, text, orders, plan)
        return
    statuses = ("delivered",) if kind == "return" else _statuses_named(text)
    hits = _mentions(text, orders, statuses)
    everything = re.search(r"\b(everything|all (?:the )?items|all of (?:it|them)|whole order)\b",
                           text.lower())
    if kind == "return" and everything:
        hits = _everything_but(text, orders, hits, plan.last_order)
    if not hits:
        _no_items(agent, text, kind, orders, plan)
        return
    hits, unclear = (hits, []) if everything else _pick_among(text, hits)
    if unclear:
        plan.retry = (kind, text)
        plan.question = "Which one do you mean: " + "; or ".join(
            f"the {i['name']} ({options_text(i['options'])}, ${i['price']}) in {o['order_id']}"
            for _p, o, i in unclear) + "?"
        return
    plan.topic = None
    plan.last_order = hits[0][1]["order_id"]
    if kind == "return":
        _returns(agent, hits, plan)
        return
    hits = _described(text, hits)
    for (_place, order, item), segment in zip(hits, _segments(text, hits), strict=True):
        change = "exchange" if order["status"] == "delivered" else "modify"
        if _already_collected(plan, order["order_id"], item) or _left_alone(text, item):
            continue
        _choose(agent, OpenItem(change, order["order_id"], item, segment), plan)


def _pick_among(text: str, hits: list[Any]) -> tuple[list[Any], list[Any]]:
    """Of several items of one product named once ('the tablet'), the one the words point to:
    by price ('the more expensive one'), by its options ('the robotic one'); all of them when
    the name is plural or 'both'; else (kept, unclear) with the ones to ask about."""
    plain = w.words(text)
    low = text.lower()
    kept: list[Any] = []
    for name in dict.fromkeys(h[2]["name"] for h in hits):
        group = [h for h in hits if h[2]["name"] == name]
        if len(group) == 1 or _plural(plain, text, name) or re.search(r"\b(both|all|two)\b", low):
            kept += group
            continue
        chosen = _by_price(low, group) or _by_options(text, group)
        if chosen is None:
            return kept, group
        kept.append(chosen)
    return sorted(kept, key=lambda hit: hit[0]), []


def _plural(plain: list[str], text: str, name: str) -> bool:
    return any(plain[place].endswith("s") and not name.lower().endswith("s")
               for place in mentions(text, name) if place < len(plain))


def _by_price(low: str, group: list[Any]) -> Any | None:
    by_price = sorted(group, key=lambda hit: float(hit[2]["price"]))
    if re.search(r"more expensive|most expensive|pricier|dearer", low):
        return by_price[-1]
    if re.search(r"less expensive|cheaper|cheapest|least expensive", low):
        return by_price[0]
    return None


def _by_options(text: str, group: list[Any]) -> Any | None:
    """The one item whose own options the words name more than the others'."""
    plain = w.words(text)

    def named(hit: Any) -> int:
        return sum(value.lower() in " ".join(plain) for value in hit[2]["options"].values())

    scores = [named(hit) for hit in group]
    best = max(scores)
    top = [hit for hit, score in zip(group, scores, strict=True) if score == best]
    return top[0] if best > 0 and len(top) == 1 else None


def _already_collected(plan: Plan, order_id: str, item: dict[str, Any]) -> bool:
    """An item whose change is settled or being settled is not asked about again."""
    settled = [old for (_k, o), pairs in plan.changes.items() if o == order_id
               for old, _new in pairs]
    waiting = [open_item.item for open_item in plan.open_items if open_item.order_id == order_id]
    return any(other["item_id"] == item["item_id"] for other in (*settled, *waiting))


def _left_alone(text: str, item: dict[str, Any]) -> bool:
    """'leave the keyboard as it is', 'forget the keyboard', 'no exchange for the keyboard'."""
    plain = w.words(text)
    for place in mentions(text, item["name"]):
        before = plain[max(0, place - 3):place]
        if any(word in ("leave", "keep", "forget", "skip", "drop", "not", "without")
               for word in before):
            return True
    return False


def _described(text: str, hits: list[Any]) -> list[Any]:
    """Of several items of one product, those whose options the words right before the
    name describe ('the small t-shirts'), when the words describe any."""
    plain = w.words(text)
    kept = []
    for place, order, item in hits:
        same = [h for h in hits if h[2]["name"] == item["name"]]
        before = " ".join(plain[max(0, place - 3):place])
        described = [h for h in same
                     if wanted_options(before, h[2]["options"], [h[2]]) and len(same) > 1]
        if described and not any(h[2] is item for h in described):
            continue
        kept.append((place, order, item))
    return kept


_EXCEPT = re.compile(r"\b(?:except|but not|other than|apart from|besides|but the)\b")


def _everything_but(
    text: str, orders: list[dict[str, Any]], hits: list[Any], last_order: str | None
) -> list[Any]:
    """'everything except the coffee machine': the other items of the order(s) concerned."""
    low = text.lower()
    split = _EXCEPT.search(low)
    excluded = set()
    if split is not None:
        after = text[split.end():]
        excluded = {id(h[2]) for h in _mentions(after, orders, "delivered")}
    concerned = {h[1]["order_id"] for h in hits}
    if not concerned and last_order and _whole_order(text):
        concerned = {last_order}
    if not concerned:
        concerned = {o["order_id"] for o in orders if o["status"] == "delivered"}
    if w.order_ids(text):
        concerned = set(w.order_ids(text))
    return [(0, o, i) for o in orders if o["order_id"] in concerned and o["status"] == "delivered"
            for i in o["items"] if id(i) not in excluded]


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
        plan.said.append(
            f"Order {wrong[0]['order_id']} is {wrong[0]['status']}: only delivered orders can "
            f"be returned or exchanged, and only pending ones cancelled or modified."
        )
        return
    plan.topic = kind
    plan.question = _which_items(kind, orders)
    plan.soft_question = True


def _which_items(kind: str, orders: list[dict[str, Any]]) -> str:
    status = CHANGEABLE[kind]
    listed = "; ".join(
        f"{order['order_id']}: " + ", ".join(item["name"] for item in order["items"])
        for order in orders if order["status"] == status
    )
    if not listed:
        return f"I don't see a {status} order that could be handled that way."
    return f"Which items would you like to {kind}? Your {status} orders: {listed}."


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
    choice = choose_variant(wanted.text, wanted.item, variants, _prefer(wanted.text))
    if choice.variant is not None:
        pairs = plan.changes.setdefault((wanted.kind, wanted.order_id), [])
        pairs.append((wanted.item, choice.variant))
        return
    plan.open_items.append(wanted)
    plan.question_order = wanted.order_id
    options = choice.candidates or [v for v in variants if v["available"]]
    listed = "; ".join(f"{options_text(v['options'])} (${v['price']})" for v in options[:8])
    asked = options_text(choice.wanted) if choice.wanted else "those options"
    plan.question = (
        f"For the {wanted.item['name']} ({options_text(wanted.item['options'])}), "
        f"{'several' if choice.candidates else 'no'} available variants match {asked}. "
        f"Available: {listed}. Which would you like?"
    )


def _answer_open_items(agent: StoreAssistant, text: str, plan: Plan) -> None:
    waiting, plan.open_items = plan.open_items, []
    low = text.lower()
    for open_item in waiting:
        skipped = re.search(r"\b(only|just|skip|forget|never ?mind|no exchange|don't)\b", low)
        named = mentioned_at(text, open_item.item["name"]) >= 0
        if (skipped and not named) or _left_alone(text, open_item.item):
            continue
        open_item.text = f"{open_item.text} {text}"
        _choose(agent, open_item, plan)


def method_for(agent: StoreAssistant, order: dict[str, Any], hint: str | None) -> dict[str, Any]:
    """The named kind of the customer's methods, else the method the order was paid with."""
    methods = agent.state.user.get("payment_methods", [])
    original = order["payment_history"][0]["payment_method_id"]
    if hint and hint != "original":
        kind = [m for m in methods if m["source"] == hint]
        if kind:
            return next((m for m in kind if m["payment_method_id"] == original), kind[0])
    return next((m for m in methods if m["payment_method_id"] == original),
                methods[0] if methods else {"payment_method_id": original, "source": "unknown"})


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


def _cancel(agent: StoreAssistant, text: str, orders: list[dict[str, Any]], plan: Plan) -> None:
    named = [o for o in orders if o["status"] == "pending" and o["order_id"] in w.order_ids(text)]
    if not named and re.search(r"\ball\b.*\bpending|\bpending orders\b", text.lower()):
        named = [o for o in orders if o["status"] == "pending"]
    if not named:
        hit_orders = {h[1]["order_id"]: h[1] for h in _mentions(text, orders, "pending")}
        named = list(hit_orders.values())
    if not named and plan.last_order:
        last = agent.state.orders.get(plan.last_order)
        named = [last] if last and last["status"] == "pending" else []
    for order in named:  # a cancelled order needs no more item changes
        plan.open_items = [o for o in plan.open_items if o.order_id != order["order_id"]]
        plan.changes = {k: v for k, v in plan.changes.items() if k[1] != order["order_id"]}
        if plan.question_order == order["order_id"]:
            plan.question = plan.question_order = None
    if not named:
        plan.question = _which_items("cancel", orders)
        plan.topic = "cancel"
        return
    plan.topic = None
    plan.cancels_without_reason.extend(o["order_id"] for o in named)
    _reasons(agent, text, plan)


def _reasons(agent: StoreAssistant, text: str, plan: Plan) -> None:
    if not plan.cancels_without_reason:
        return
    reason = w.cancel_reason(text)
    if reason is None:
        plan.question = ("May I ask why you want to cancel: is it no longer needed, or was it "
                         "ordered by mistake?")
        return
    for order_id in plan.cancels_without_reason:
        items = agent.state.orders[order_id]["items"]
        plan.ready.append(Proposal("cancel", order_id, items=items, reason=reason))
    plan.cancels_without_reason = []


def _ready_changes(agent: StoreAssistant, plan: Plan) -> None:
    for (kind, order_id), pairs in plan.changes.items():
        order = agent.state.orders[order_id]
        method = method_for(agent, order, plan.method_hint)
        plan.ready.append(Proposal(kind, order_id, items=[p[0] for p in pairs],
                                   new_items=[p[1] for p in pairs], method=method))
    plan.changes = {}
