"""Which of the customer's items they mean, and which variant their words describe."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from relaydesk.packs.retail.dialogue.ordering import ordered_wishes, rank
from relaydesk.packs.retail.dialogue.words import words

# Words customers use for a product besides its name and the name's last word.
EXTRA_NAMES: dict[str, tuple[str, ...]] = {
    "T-Shirt": ("shirt", "tshirt", "tee"),
    "E-Reader": ("ereader", "reader", "kindle"),
    "LED Light Bulb": ("bulb", "light bulb"),
    "Vacuum Cleaner": ("vacuum",),
    "Office Chair": ("chair",),
    "Desk Lamp": ("lamp",),
    "Hiking Boots": ("boot",),
    "Running Shoes": ("shoe",),
    "Bluetooth Speaker": ("speaker",),
    "Jigsaw Puzzle": ("puzzle", "jigsaw"),
    "Air Purifier": ("purifier",),
    "Cycling Helmet": ("helmet",),
    "Garden Hose": ("hose",),
    "Fleece Jacket": ("jacket", "fleece"),
    "Smart Watch": ("smartwatch", "watch"),
    "Wristwatch": ("watch",),
    "Coffee Maker": ("coffee machine", "coffee"),
    "Espresso Machine": ("espresso", "coffee machine"),
    "Dumbbell Set": ("dumbbell",),
    "Luggage Set": ("luggage", "suitcase"),
    "Pet Bed": ("bed",),
    "Yoga Mat": ("mat",),
    "Wall Clock": ("clock",),
    "Gaming Mouse": ("mouse",),
    "Mechanical Keyboard": ("keyboard",),
    "Smart Thermostat": ("thermostat",),
    "Wireless Earbuds": ("earbud",),
    "Portable Charger": ("charger", "power bank"),
    "Patio Umbrella": ("umbrella",),
    "Indoor Security Camera": ("security camera",),
    "Bicycle": ("bike",),
}
SIZE_WORDS = {"small": "s", "medium": "m", "large": "l", "extra large": "xl"}


def _singular(word: str) -> str:
    if word.endswith("ies") and len(word) > 4:
        return word[:-3] + "y"
    if word.endswith("es") and word[:-2].endswith(("sh", "ch", "x", "ss")):
        return word[:-2]
    if word.endswith("s") and not word.endswith("ss") and len(word) > 3:
        return word[:-1]
    return word


def _plain(text: str) -> list[str]:
    return [_singular(word) for word in words(text)]


def _contains(haystack: Sequence[str], phrase: Sequence[str]) -> int:
    """Where the phrase starts in the words, or -1."""
    size = len(phrase)
    for start in range(len(haystack) - size + 1):
        if list(haystack[start:start + size]) == list(phrase):
            return start
    return -1


def product_names(name: str) -> list[list[str]]:
    """The phrases (as plain words) that name this product."""
    phrases = [_plain(name), _plain(name)[-1:]]
    phrases += [_plain(extra) for extra in EXTRA_NAMES.get(name, ())]
    return [phrase for phrase in phrases if phrase]


def mentioned_at(text: str, name: str) -> int:
    """Where in the message the product is first named, or -1."""
    found = mentions(text, name)
    return found[0] if found else -1


def mentions(text: str, name: str) -> list[int]:
    """Every place in the message where the product is named, in order."""
    plain = _plain(text)
    found: set[int] = set()
    for phrase in product_names(name):
        size = len(phrase)
        found.update(start for start in range(len(plain) - size + 1)
                     if plain[start:start + size] == phrase)
    return sorted(found)


@dataclass(frozen=True)
class Choice:
    """The variant the words describe, or the reason none was chosen."""

    variant: dict[str, Any] | None
    wanted: dict[str, str]  # the options the customer asked for
    candidates: list[dict[str, Any]]  # available variants matching what they asked


def _value_mentioned(plain: list[str], key: str, value: str, values: list[str]) -> bool:
    tokens = _plain(value)
    if not tokens:
        return False
    if len(tokens) == 1 and (len(tokens[0]) <= 2 or tokens[0].isdigit()):
        return _short_value_mentioned(plain, key, tokens[0])
    if _contains(plain, tokens) >= 0:
        return True
    # A word only this value has ("google" for Google Assistant, "stainless").
    others = {token for other in values if other != value for token in _plain(other)}
    distinctive = [t for t in tokens if t not in others and len(t) > 3 and not t.isdigit()]
    return any(token in plain for token in distinctive)


def _short_value_mentioned(plain: list[str], key: str, token: str) -> bool:
    """'S' or '8' count only as 'size s', 'size 8', 'small', or a number before the key."""
    key_words = _plain(key)
    for index, word in enumerate(plain):
        if word == token and index > 0 and plain[index - 1] in key_words:
            return True
    if key == "size":
        return any(SIZE_WORDS.get(word) == token for word in plain) or (
            token == "xl" and _contains(plain, ["extra", "large"]) >= 0
        )
    return False


def _none_mentioned(plain: list[str], key: str, values: list[str]) -> str | None:
    """'no backlight' means the value 'none' (or 'no') of that option."""
    for none in ("none", "no"):
        if none in values and _contains(plain, ["no", *_plain(key)]) >= 0:
            return none
    return None


def wanted_options(
    text: str, current: dict[str, str], variants: list[dict[str, Any]]
) -> dict[str, str]:
    """The options the words ask for; where they name the current value and another,
    the other (a change was asked for)."""
    plain = _plain(text)
    wanted: dict[str, str] = {}
    for key, value_now in current.items():
        if _indifferent(plain, key):
            continue
        if _contains(plain, ["same", *_plain(key)]) >= 0:
            wanted[key] = value_now  # "the same difficulty"
            continue
        values = sorted({str(v["options"].get(key)) for v in variants if key in v["options"]})
        hit = _none_mentioned(plain, key, values)
        named = [v for v in values if _value_mentioned(plain, key, v, values)
                 and not _merely_acceptable(plain, v) and not _replaced(plain, v)]
        if len(named) >= 3 or (len(named) == 2 and (value_now not in named or _prefers(plain))):
            continue  # a ranking of wishes ("art over animals"), see preferences()
        if hit is None and named:
            changed = [v for v in named if v != value_now]
            hit = changed[-1] if changed else named[0]
        if hit is not None:
            wanted[key] = hit
    return wanted


def _prefers(plain: list[str]) -> bool:
    """'I prefer art over animals': a ranking, not a change away from the current value."""
    return bool({"prefer", "over", "rather"} & set(plain))


def _replaced(plain: list[str], value: str) -> bool:
    """'Google Home instead of Apple HomeKit': the value after 'instead of' is the old one."""
    tokens = _plain(value)
    place = _contains(plain, tokens)
    return place >= 2 and plain[place - 2:place] in (["instead", "of"], ["rather", "than"])


def _merely_acceptable(plain: list[str], value: str) -> bool:
    """'a mountain bike is fine too', 'okay with a mountain bike': allowed, not required."""
    tokens = _plain(value)
    place = _contains(plain, tokens)
    if place < 0:
        return False
    after = plain[place + len(tokens):place + len(tokens) + 4]
    before = plain[max(0, place - 4):place]
    return bool({"fine", "ok", "okay"} & set(after) or {"fine", "ok", "okay"} & set(before))


def preferences(text: str, current: dict[str, str], variants: list[dict[str, Any]]
                ) -> dict[str, list[str]]:
    """Options where three or more values are named: the values in the order named,
    the first the most wanted ('prefer battery > USB > AC adapter')."""
    plain = _plain(text)
    ranked: dict[str, list[str]] = {}
    for key in current:
        values = sorted({str(v["options"].get(key)) for v in variants if key in v["options"]})
        named = [v for v in values if _value_mentioned(plain, key, v, values)
                 and not _merely_acceptable(plain, v)]
        if len(named) >= 3 or (len(named) == 2 and (current[key] not in named
                                                     or _prefers(plain))):
            ranked[key] = sorted(named, key=lambda v: _first_place(plain, v))
    return ranked


def _first_place(plain: list[str], value: str) -> int:
    tokens = _plain(value)
    place = _contains(plain, tokens)
    if place < 0:
        places = [plain.index(t) for t in tokens if t in plain]
        place = min(places) if places else len(plain)
    return place


def _by_order(
    text: str, current: dict[str, str], variants: list[dict[str, Any]]
) -> list[dict[str, Any]]:
    """Keep the variants that meet 'smaller', 'bigger', 'the maximum zoom': one step in that
    direction (the nearest value), or the extreme value."""
    for wish in ordered_wishes(text, list(current)):
        now = rank(current[wish.key])
        ranked = [(rank(str(v["options"].get(wish.key, ""))), v) for v in variants]
        usable = [(r, v) for r, v in ranked if r is not None]
        if now is None or not usable:
            continue
        if wish.by is not None:
            target = now + wish.direction * wish.by
            variants = [v for r, v in usable if r == target]
            continue
        if wish.extreme:
            best = max(r * wish.direction for r, _ in usable)
            variants = [v for r, v in usable if r * wish.direction == best]
            continue
        beyond = [(r, v) for r, v in usable if (r - now) * wish.direction > 0]
        if not beyond:
            return []
        nearest = min(abs(r - now) for r, _ in beyond)
        variants = [v for r, v in beyond if abs(r - now) == nearest]
    return variants


def _indifferent(plain: list[str], key: str) -> bool:
    """'I don't care whether they're waterproof': that option is left open."""
    key_words = _plain(key)
    for index in range(len(plain) - 1):
        if plain[index:index + 2] in (["don't", "care"], ["dont", "care"], ["not", "care"]):
            window = plain[index + 2:index + 8]
            if any(word in window for word in key_words):
                return True
    return False


def indifferent_keys(text: str, keys: list[str]) -> set[str]:
    plain = _plain(text)
    return {key for key in keys if _indifferent(plain, key)}


def choose_variant(
    text: str, item: dict[str, Any], variants: list[dict[str, Any]], prefer: str | None = None
) -> Choice:
    """The available other variant that has every option asked for and keeps most of the rest
    (or the cheapest / dearest when asked); None when there is none or several tie."""
    current: dict[str, str] = item["options"]
    wanted = wanted_options(text, current, variants)
    matching = [
        v for v in variants
        if v["available"] and v["item_id"] != item["item_id"]
        and all(v["options"].get(k) == value for k, value in wanted.items())
    ]
    matching = _by_order(text, current, matching)
    if not matching:
        return Choice(None, wanted, [])
    if prefer in ("cheapest", "dearest"):
        ordered = sorted(matching, key=lambda v: float(v["price"]))
        return Choice(ordered[0] if prefer == "cheapest" else ordered[-1], wanted, matching)

    loose = indifferent_keys(text, list(current))

    def kept(variant: dict[str, Any]) -> int:
        return sum(variant["options"].get(k) == v for k, v in current.items()
                   if k not in wanted and k not in loose)

    ranking = preferences(text, current, variants)

    def score(variant: dict[str, Any]) -> tuple[int, ...]:
        wishes = [
            -(order.index(variant["options"][key]) if variant["options"].get(key) in order
              else len(order))
            for key, order in ranking.items()
        ]
        return (*wishes, kept(variant))

    best = max(score(v) for v in matching)
    top = [v for v in matching if score(v) == best]
    return Choice(top[0] if len(top) == 1 else None, wanted, matching)
