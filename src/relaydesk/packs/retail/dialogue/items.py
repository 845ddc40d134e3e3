"""Which of the customer's items a message is about: by name, description, price, order."""

from __future__ import annotations

import re
from typing import Any

from relaydesk.packs.retail.dialogue import words as w
from relaydesk.packs.retail.dialogue.matching import mentioned_at, mentions, wanted_options
from relaydesk.packs.retail.dialogue.sentences import Say

Hit = tuple[int, dict[str, Any], dict[str, Any]]  # (where named, order, item)


def statuses_named(text: str) -> tuple[str, ...]:
    """'in my pending order' or 'that I received' narrows which orders an item is in."""
    low = text.lower()
    if re.search(r"\bpending\b|just (?:placed|ordered)|not (?:yet )?(?:arrived|shipped)", low):
        return ("pending",)
    if re.search(r"\b(received|delivered|got)\b", low):
        return ("delivered",)
    return ("delivered", "pending")


def whole_order(text: str) -> bool:
    return bool(re.search(r"\b(entire|whole|full|that|the|same) order\b", text.lower()))


def items_named(text: str, orders: list[dict[str, Any]], status: str | tuple[str, ...]
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


def segments(text: str, hits: list[tuple[int, dict[str, Any], dict[str, Any]]]) -> list[str]:
    """The words about each named item: from its name to the next item's name."""
    plain = w.words(text)
    places = sorted({hit[0] for hit in hits})
    segments = []
    for place, _order, _item in hits:
        later = [p for p in places if p > place]
        segments.append(" ".join(plain[place:later[0] if later else len(plain)]))
    return segments


def pick_among(text: str, hits: list[Any]) -> tuple[list[Any], list[Any]]:
    """Of several items of one product named once ('the tablet'), the one the words point to:
    by price ('the more expensive one'), by its options ('the robotic one'); all of them when
    the name is plural or 'both'; else (kept, unclear) with the ones to ask about."""
    plain = w.words(text)
    low = text.lower()
    kept: list[Any] = []
    for name in dict.fromkeys(h[2]["name"] for h in hits):
        group = [h for h in hits if h[2]["name"] == name]
        if len(group) == 1 or plural(plain, text, name) or _counted(plain, text, name):
            kept += group
            continue
        chosen = by_price(low, group) or by_options(_before(plain, text, name), group) \
            or by_options(text, group)
        if chosen is None:
            return kept, group
        kept.append(chosen)
    return sorted(kept, key=lambda hit: hit[0]), []


def _before(plain: list[str], text: str, name: str) -> str:
    """The words just before the product's name: 'the 17-inch laptop'."""
    places = mentions(text, name)
    return " ".join(plain[max(0, places[0] - 3):places[0]]) if places else ""


def _counted(plain: list[str], text: str, name: str) -> bool:
    """'both tablets', 'all the t-shirts', 'two laptops': every one of them is meant."""
    return any(set(plain[max(0, place - 3):place]) & {"both", "all", "two", "every"}
               for place in mentions(text, name))


def plural(plain: list[str], text: str, name: str) -> bool:
    return any(plain[place].endswith("s") and not name.lower().endswith("s")
               for place in mentions(text, name) if place < len(plain))


def by_price(low: str, group: list[Any]) -> Any | None:
    by_price = sorted(group, key=lambda hit: float(hit[2]["price"]))
    if re.search(r"more expensive|most expensive|pricier|dearer", low):
        return by_price[-1]
    if re.search(r"less expensive|cheaper|cheapest|least expensive", low):
        return by_price[0]
    return None


def by_options(text: str, group: list[Any]) -> Any | None:
    """The one item whose own options the words name more than the others'."""
    plain = w.words(text)

    def named(hit: Any) -> int:
        said = f" {' '.join(plain)} "
        return sum(f" {' '.join(w.words(value))} " in said for value in hit[2]["options"].values())

    scores = [named(hit) for hit in group]
    best = max(scores)
    top = [hit for hit, score in zip(group, scores, strict=True) if score == best]
    return top[0] if best > 0 and len(top) == 1 else None


def left_alone(text: str, item: dict[str, Any]) -> bool:
    """'leave the keyboard as it is', 'forget the keyboard', 'no exchange for the keyboard'."""
    plain = w.words(text)
    for place in mentions(text, item["name"]):
        before = plain[max(0, place - 3):place]
        if any(word in ("leave", "keep", "forget", "skip", "drop", "not", "without")
               for word in before):
            return True
    return False


def described(text: str, hits: list[Any]) -> list[Any]:
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


def everything_but(
    text: str, orders: list[dict[str, Any]], hits: list[Any], last_order: str | None
) -> list[Any]:
    """'everything except the coffee machine': the other items of the order(s) concerned."""
    low = text.lower()
    split = _EXCEPT.search(low)
    excluded = set()
    if split is not None:
        after = text[split.end():]
        excluded = {id(h[2]) for h in items_named(after, orders, "delivered")}
    concerned = {h[1]["order_id"] for h in hits}
    if not concerned and last_order and whole_order(text):
        concerned = {last_order}
    if not concerned:
        concerned = {o["order_id"] for o in orders if o["status"] == "delivered"}
    if w.order_ids(text):
        concerned = set(w.order_ids(text))
    return [(0, o, i) for o in orders if o["order_id"] in concerned and o["status"] == "delivered"
            for i in o["items"] if id(i) not in excluded]


CHANGEABLE = {"exchange": "delivered", "modify": "pending", "return": "delivered",
              "cancel": "pending"}


def which_items(kind: str, orders: list[dict[str, Any]]) -> Say:
    status = CHANGEABLE[kind]
    listed = "; ".join(
        f"{order['order_id']}: " + ", ".join(item["name"] for item in order["items"])
        for order in orders if order["status"] == status
    )
    if not listed:
        return Say(f"store.no_order.{status}")
    return Say(f"store.which_items.{kind}", {"orders": listed})
