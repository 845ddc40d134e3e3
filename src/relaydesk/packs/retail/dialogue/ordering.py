"""Options that have an order: 'one size smaller', 'a bigger one', 'the maximum zoom'."""

from __future__ import annotations

import re
from dataclasses import dataclass

from relaydesk.packs.retail.dialogue.words import words

SIZES = ("xs", "s", "m", "l", "xl", "xxl")
LEVELS = {"low": 0, "small": 0, "medium": 1, "high": 2, "large": 2}
# What a comparative means when the customer names no option: the first of these it has.
_DEFAULT_KEYS = {
    "bigger": ("size", "capacity", "frame size", "piece count", "pieces"),
    "smaller": ("size", "capacity", "frame size", "piece count", "pieces"),
    "brighter": ("brightness",),
    "shorter": ("length",),
    "longer": ("length",),
}
_COMPARATIVES = {
    "smaller": -1, "lower": -1, "less": -1, "shorter": -1, "fewer": -1, "cheaper": -1,
    "bigger": 1, "larger": 1, "higher": 1, "more": 1, "longer": 1, "brighter": 1,
}
_SUPERLATIVES = {"maximum": 1, "max": 1, "highest": 1, "largest": 1, "biggest": 1,
                 "minimum": -1, "min": -1, "lowest": -1, "smallest": -1, "fewest": -1}


@dataclass(frozen=True)
class Ordered:
    """A wish about an ordered option: one step up or down, its extreme, or an exact change."""

    key: str
    direction: int  # +1 up, -1 down
    extreme: bool
    by: float | None = None  # "1000 more pieces": exactly this much up or down


def rank(value: str) -> float | None:
    """Where a value stands among its option's values, if it has an order."""
    low = value.lower()
    if low in SIZES:
        return float(SIZES.index(low))
    if low in LEVELS:
        return float(LEVELS[low])
    number = re.match(r"^\s*(\d+(?:\.\d+)?)", low)
    if number:
        return float(number.group(1))
    if low == "full size":
        return 100.0
    return None


def ordered_wishes(text: str, keys: list[str]) -> list[Ordered]:
    """The ordered wishes a message states about these option keys."""
    plain = words(text)
    wishes = []
    for index, word in enumerate(plain):
        if word in ("more", "less", "fewer") and index > 0 and _number(plain[index - 1]):
            continue  # read as an exact change below
        if word in _SUPERLATIVES or word in _COMPARATIVES:
            window = plain[index + 1:index + 4] + plain[max(0, index - 2):index]
            key = _key_near(window, keys) or _default_key(word, plain, index, keys)
            if key is not None:
                extreme = word in _SUPERLATIVES
                direction = (_SUPERLATIVES if extreme else _COMPARATIVES)[word]
                wishes.append(Ordered(key, direction, extreme))
    return wishes + _exact_changes(plain, keys)


def _number(word: str) -> float | None:
    try:
        return float(word)
    except ValueError:
        return None


def _exact_changes(plain: list[str], keys: list[str]) -> list[Ordered]:
    """'1000 more pieces', '500 pieces less': an exact step on that option."""
    found = []
    for index, word in enumerate(plain):
        amount = _number(word)
        if amount is None:
            continue
        window = plain[index + 1:index + 4]
        direction = 1 if "more" in window else -1 if {"less", "fewer"} & set(window) else 0
        key = _key_near(window, keys) if direction else None
        if key is not None:
            found.append(Ordered(key, direction, False, by=amount))
    return found


def _key_near(window: list[str], keys: list[str]) -> str | None:
    for key in keys:
        key_words = key.lower().split()
        if any(part in window for part in key_words):
            return key
    return None


def _default_key(word: str, plain: list[str], index: int, keys: list[str]) -> str | None:
    if word == "less" and index + 1 < len(plain) and plain[index + 1] == "bright":
        return "brightness" if "brightness" in keys else None
    for key in _DEFAULT_KEYS.get(word, ()):
        if key in keys:
            return key
    return None
