"""Reading slot values out of what the customer said: the kinds every pack may use."""

from __future__ import annotations

import re
from collections.abc import Callable
from decimal import Decimal, InvalidOperation
from typing import Any

from relaydesk.assistant.number_words import written_numbers
from relaydesk.assistant.understanding import Understanding

_WEEK = r"(?:weeks?|veckor?|vecka|wochen?|semanas?|semaines?|settimane?|weken?|uger?|viikkoa?)"
_DAY = (
    r"(?:days?|dagar?|dag|tage?n?|días?|dias?|jours?|giorni|giorno|dagen?|päivää|päivä|dni|dzień)"
)
_UNIT_AHEAD = re.compile(rf"\s*(?P<unit>{_WEEK}|{_DAY})\b", re.IGNORECASE)
_BARE_WEEK = re.compile(rf"\b{_WEEK}\b", re.IGNORECASE)
# A number standing on its own: not part of a reference (ORD-100005) or a word.
_DIGITS = re.compile(r"(?<![\w.,])\d{1,3}(?:[ ,.\u00a0]\d{3})*(?:[.,]\d{1,2})?(?![\w])")
_MINUS = "-\u2212"
_ADDRESS = re.compile(
    r"^(?P<street>[^,\n]{2,200}),\s*(?P<postal_code>[A-Za-z0-9][A-Za-z0-9 -]{1,9}?)\s+"
    r"(?P<city>[^,\n]{1,100})(?:,\s*(?P<country>[A-Za-z]{2}))?\s*$"
)
YES_WORDS = frozenset(
    {"yes", "y", "yeah", "yep", "sure", "ok", "okay", "confirm", "ja", "jo", "javisst", "gärna",
     "sí", "si", "oui", "ouais", "sim", "tak", "kyllä", "joo", "jep", "da", "correct"}
)  # fmt: skip
NO_WORDS = frozenset({"no", "n", "nope", "nej", "nein", "non", "não", "nie", "ei", "nee"})


def entity_value(understanding: Understanding, kind: str) -> str | None:
    return next((e.value for e in understanding.entities if e.kind == kind), None)


def read_days(text: str, awaiting_days: bool) -> int | None:
    """'a week' -> 7, '3 days' -> 3, 'forty-five days' -> 45; a bare number only when asked.

    When the customer corrects themselves ("5 days, no wait, 8") the last value wins. Zero
    days is no answer (nothing would move), so the question is asked again.
    """
    days = _days_in(text, awaiting_days)
    return days if days else None


def _days_in(text: str, awaiting_days: bool) -> int | None:
    found: list[tuple[int, int]] = []  # (position, days)
    for start, end, count, article in _counts(text):
        unit = _UNIT_AHEAD.match(text, end)
        if unit is not None:
            week = re.fullmatch(_WEEK, unit.group("unit"), re.IGNORECASE)
            found.append((start, count * 7 if week else count))
        elif awaiting_days and not article:
            found.append((start, count))
    if found:
        return max(found)[1]
    return 7 if _BARE_WEEK.search(text) else None


def _counts(text: str) -> list[tuple[int, int, int, bool]]:
    """Whole numbers in digits or words: (start, end, value, is an article like "a")."""
    counts = [
        (m.start(), m.end(), int(m.group(0)), False)
        for m in _DIGITS.finditer(text)
        if m.group(0).isdigit() and not _negative(text, m.start())
    ]
    counts += [(n.start, n.end, n.value, n.article) for n in written_numbers(text)]
    return counts


def read_amount(text: str, understanding: Understanding, awaiting: bool) -> Decimal | None:
    """The last amount the customer gave, with its sign: '5 euros... no wait, 95' -> 95.

    A number without a currency counts only when the amount was asked for or is being
    confirmed. A negative amount is returned as such so the flow can refuse it out loud.
    """
    found: list[tuple[int, Decimal]] = []
    for entity in understanding.entities:
        if entity.kind == "amount":
            value = _decimal(entity.value.split()[0])
            if value is not None:
                sign = -1 if _negative(text, entity.start) or _negative_inside(entity.text) else 1
                found.append((entity.start, sign * value))
    if awaiting or found:
        taken = [(e.start, e.end) for e in understanding.entities]
        for match in _DIGITS.finditer(text):
            if any(start <= match.start() < end for start, end in taken):
                continue
            value = _decimal(_normalise(match.group(0)))
            if value is not None:
                found.append((match.start(), -value if _negative(text, match.start()) else value))
    return max(found, key=lambda item: item[0])[1] if found else None


def _negative(text: str, start: int) -> bool:
    """Whether a minus sign stands right before the number (not a hyphen inside a word)."""
    before = text[:start].rstrip(" €$£")
    return bool(before) and before[-1] in _MINUS and (len(before) == 1 or not before[-2].isalnum())


def _negative_inside(raw: str) -> bool:
    return any(char in _MINUS for char in raw)


def _normalise(raw: str) -> str:
    """'99,999.99' and '1.234,50' -> '99999.99' and '1234.50': the last separator followed by
    one or two digits is the decimal one."""
    compact = re.sub(r"[ \u00a0]", "", raw)
    decimal = re.search(r"[.,](\d{1,2})$", compact)
    whole = compact[: decimal.start()] if decimal else compact
    return re.sub(r"[.,]", "", whole) + (f".{decimal.group(1)}" if decimal else "")


def _decimal(raw: str) -> Decimal | None:
    try:
        return Decimal(raw)
    except InvalidOperation:
        return None


def read_address(text: str) -> dict[str, str] | None:
    match = _ADDRESS.match(text.strip())
    if not match:
        return None
    parts = {k: v.strip() for k, v in match.groupdict().items() if v}
    parts["text"] = text.strip()
    return parts


def is_yes(text: str, understanding: Understanding) -> bool:
    words = re.findall(r"\w+", text.lower())
    return understanding.intent == "affirm" or (0 < len(words) <= 3 and words[0] in YES_WORDS)


def is_no(text: str, understanding: Understanding) -> bool:
    words = re.findall(r"\w+", text.lower())
    return understanding.intent == "deny" or (0 < len(words) <= 3 and words[0] in NO_WORDS)


SlotReader = Callable[[str, Understanding, bool], Any]
"""(message text, understanding, whether the question for this slot was just asked) -> value."""


def entity_reader(kind: str) -> SlotReader:
    """A slot filled from an entity of the same kind (the pack's reference patterns find it)."""
    return lambda _text, understanding, _awaiting: entity_value(understanding, kind)


# Kinds every pack may use; a pack adds its own (order numbers, reasons...) in AssistantParts.
STANDARD_SLOT_READERS: dict[str, SlotReader] = {
    "email": entity_reader("email"),
    "phone": entity_reader("phone"),
    "date": entity_reader("date"),
    "days": lambda t, _u, awaiting: read_days(t, awaiting),
    "amount": lambda t, u, awaiting: read_amount(t, u, awaiting),
    "address": lambda t, _u, awaiting: read_address(t) if awaiting else None,
    "text": lambda t, _u, awaiting: (t.strip() or None) if awaiting else None,
}
