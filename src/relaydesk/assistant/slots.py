"""Reading slot values out of what the customer said, in the languages the demo speaks."""

from __future__ import annotations

import re
from collections.abc import Callable
from decimal import Decimal, InvalidOperation
from typing import Any

from relaydesk.assistant.understanding import Understanding

_NUMBER_WORDS = {
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "ten": 10,
    "en": 1, "ett": 1, "två": 2, "tre": 3, "fem": 5, "sju": 7, "tio": 10,
    "eine": 1, "einen": 1, "zwei": 2, "drei": 3, "fünf": 5, "sieben": 7, "zehn": 10,
    "una": 1, "un": 1, "dos": 2, "tres": 3, "cinco": 5, "siete": 7, "diez": 10,
    "une": 1, "deux": 2, "trois": 3, "cinq": 5, "sept": 7, "dix": 10, "a": 1, "an": 1,
}  # fmt: skip
_WEEK = r"(?:weeks?|veckor?|vecka|wochen?|semanas?|semaines?|settimane?|weken?|uger?|viikkoa?)"
_DAY = (
    r"(?:days?|dagar?|dag|tage?n?|días?|dias?|jours?|giorni|giorno|dagen?|päivää|päivä|dni|dzień)"
)
_COUNT = r"(?P<count>\d{1,3}|[a-zäöüéèíáå]+)"
_DAYS_PATTERN = re.compile(rf"\b{_COUNT}\s+(?P<unit>{_WEEK}|{_DAY})\b", re.IGNORECASE)
_BARE_WEEK = re.compile(rf"\b{_WEEK}\b", re.IGNORECASE)
_BARE_NUMBER = re.compile(r"^\s*(\d{1,3})\s*$")
_LAST4 = re.compile(r"(?<!\d)(\d{4})(?!\d)")
_ADDRESS = re.compile(
    r"^(?P<street>[^,\n]{2,200}),\s*(?P<postal_code>[A-Za-z0-9][A-Za-z0-9 -]{1,9}?)\s+"
    r"(?P<city>[^,\n]{1,100})(?:,\s*(?P<country>[A-Za-z]{2}))?\s*$"
)
_DISPUTE_WORDS = {
    "not_received": (
        "not_received", "not received", "never arrived", "didn't arrive", "did not arrive",
        "not arrived", "hasn't arrived", "never came", "kom aldrig", "inte kommit",
        "nicht angekommen", "nie angekommen", "nicht geliefert", "nie geliefert",
        "no ha llegado", "no llegó", "nunca llegó", "nunca ha llegado", "no me ha llegado",
        "no lo he recibido", "pas reçu", "jamais reçu", "pas arrivé", "jamais arrivé",
        "non è arrivato", "mai arrivato", "non l'ho ricevuto", "niet aangekomen",
        "nooit aangekomen", "niet ontvangen", "não chegou", "nunca chegou", "não recebi",
        "inte levererats", "har inte fått", "ikke modtaget", "ikke mottatt", "ei saapunut",
        "nie dotarł", "nie otrzymałem", "nie otrzymałam",
    ),
    "wrong_item": (
        "wrong_item", "wrong item", "wrong product", "wrong size", "different item",
        "fel vara", "falscher artikel", "falsche ware", "artículo equivocado",
        "producto equivocado", "mauvais article", "articolo sbagliato", "verkeerde artikel",
    ),
    "not_as_described": (
        "not_as_described", "not as described", "damaged", "broken", "fake", "defective",
        "trasig", "skadad", "beschädigt", "kaputt", "defekt", "dañado", "roto", "endommagé",
        "cassé", "non conforme", "danneggiato", "kapot",
    ),
}  # fmt: skip
YES_WORDS = frozenset(
    {"yes", "y", "yeah", "yep", "sure", "ok", "okay", "confirm", "ja", "jo", "javisst", "gärna",
     "sí", "si", "oui", "ouais", "sim", "tak", "kyllä", "joo", "jep", "da", "correct"}
)  # fmt: skip
NO_WORDS = frozenset({"no", "n", "nope", "nej", "nein", "non", "não", "nie", "ei", "nee"})


def entity_value(understanding: Understanding, kind: str) -> str | None:
    return next((e.value for e in understanding.entities if e.kind == kind), None)


def read_days(text: str, awaiting_days: bool) -> int | None:
    """'a week' -> 7, '3 days' -> 3, 'zwei Wochen' -> 14; a bare number only when asked.

    Zero days is no answer (nothing would move), so the question is asked again.
    """
    days = _days_in(text, awaiting_days)
    return days if days else None


def _days_in(text: str, awaiting_days: bool) -> int | None:
    match = _DAYS_PATTERN.search(text)
    if match:
        raw = match.group("count").lower()
        count = int(raw) if raw.isdigit() else _NUMBER_WORDS.get(raw)
        if count is not None:
            return count * 7 if re.fullmatch(_WEEK, match.group("unit"), re.I) else count
    if _BARE_WEEK.search(text):
        return 7
    bare = _BARE_NUMBER.match(text)
    return int(bare.group(1)) if bare and awaiting_days else None


def read_amount(understanding: Understanding) -> Decimal | None:
    raw = entity_value(understanding, "amount")
    if raw is None:
        return None
    try:
        return Decimal(raw.split()[0])
    except InvalidOperation:
        return None


def read_address(text: str) -> dict[str, str] | None:
    match = _ADDRESS.match(text.strip())
    if not match:
        return None
    parts = {k: v.strip() for k, v in match.groupdict().items() if v}
    parts["text"] = text.strip()
    return parts


def read_dispute_reason(text: str) -> str | None:
    lowered = text.lower()
    for reason, words in _DISPUTE_WORDS.items():
        if any(word in lowered for word in words):
            return reason
    return None


def read_last4(text: str) -> str | None:
    match = _LAST4.search(text)
    return match.group(1) if match else None


def is_yes(text: str, understanding: Understanding) -> bool:
    words = re.findall(r"\w+", text.lower())
    return understanding.intent == "affirm" or (0 < len(words) <= 3 and words[0] in YES_WORDS)


def is_no(text: str, understanding: Understanding) -> bool:
    words = re.findall(r"\w+", text.lower())
    return understanding.intent == "deny" or (0 < len(words) <= 3 and words[0] in NO_WORDS)


SlotReader = Callable[[str, Understanding, bool], Any]

SLOT_READERS: dict[str, SlotReader] = {
    "order_id": lambda _t, u, _a: entity_value(u, "order_id"),
    "refund_id": lambda _t, u, _a: entity_value(u, "refund_id"),
    "email": lambda _t, u, _a: entity_value(u, "email"),
    "days": lambda t, _u, awaiting: read_days(t, awaiting),
    "amount": lambda _t, u, _a: read_amount(u),
    "address": lambda t, _u, awaiting: read_address(t) if awaiting else None,
    "dispute_reason": lambda t, _u, _a: read_dispute_reason(t),
    "last4": lambda t, _u, awaiting: read_last4(t) if awaiting else None,
}


def read_slot(kind: str, text: str, understanding: Understanding, awaiting: bool) -> Any:
    """The slot's value if this message gives one, else None."""
    return SLOT_READERS[kind](text, understanding, awaiting)
