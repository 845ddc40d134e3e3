"""Personal data in free text: find it and mask it.

`mask_text` and `mask_data` are what logs, exports, analytics and anything sent to an
external model call. Numbers are masked only when they really are what they look like:
card numbers pass the Luhn check, IBANs their mod-97 check, Swedish personnummer the Luhn
check on their last ten digits; other national ids are matched by their documented shape.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any, Literal

Kind = Literal["card", "iban", "national_id", "email", "phone"]
ALL_KINDS: frozenset[Kind] = frozenset({"card", "iban", "national_id", "email", "phone"})
# What no conversation needs to keep: masked in stored transcripts by default.
SENSITIVE_KINDS: frozenset[Kind] = frozenset({"card", "iban", "national_id"})

_EMAIL = re.compile(r"(?<![\w.+-])[\w.+-]{1,64}@[\w-]{1,63}(?:\.[\w-]{1,63})+(?![\w-])")
_IBAN = re.compile(r"(?<![\w])[A-Z]{2}\d{2}(?: ?[A-Z0-9]){11,30}(?![\w])")
_CARD = re.compile(r"(?<![\w-])\d(?:[ -]?\d){12,18}(?![\w-])")
_PHONE = re.compile(
    r"(?<![\w+])(?:\+|00)\d(?:[ \-/.]?\(?\d\)?){6,14}(?![\w])|"
    r"(?<![\w+\-/.])0\d(?:[ \-/]?\d){6,11}(?![\w\-/])"
)
_SE_PERSONNUMMER = re.compile(r"(?<![\w-])(?:19|20)?(\d{6})[-+]?(\d{4})(?![\w-])")
_FI_HETU = re.compile(r"(?<![\w-])(\d{6})[-+A-FU-Y](\d{3})([0-9A-Y])(?![\w-])")
_DK_CPR = re.compile(r"(?<![\w-])(\d{6})-(\d{4})(?![\w-])")
_ES_DNI = re.compile(r"(?<![\w-])(\d{8})-?([A-Z])(?![\w-])")
_US_SSN = re.compile(r"(?<![\w-])(?!000|666|9\d\d)\d{3}-(?!00)\d{2}-(?!0000)\d{4}(?![\w-])")
# Every pattern above needs an "@" or a digit: most strings (names, intents, words) have
# neither and need no pattern tried.
_MAY_HOLD_PII = re.compile(r"[\d@]")
_PLACEHOLDER = {
    "card": "[card]",
    "iban": "[iban]",
    "national_id": "[national id]",
    "email": "[email]",
    "phone": "[phone]",
}


@dataclass(frozen=True)
class Finding:
    kind: Kind
    start: int
    end: int


def luhn_valid(digits: str) -> bool:
    """The Luhn checksum of card numbers and Swedish personnummer."""
    total = 0
    for position, char in enumerate(reversed(digits)):
        value = int(char)
        if position % 2:
            value = value * 2 - 9 if value > 4 else value * 2
        total += value
    return total % 10 == 0


def iban_valid(candidate: str) -> bool:
    """ISO 13616: move the first four characters to the end; as a number it is 1 mod 97."""
    compact = candidate.replace(" ", "")
    if not 15 <= len(compact) <= 34:
        return False
    rearranged = compact[4:] + compact[:4]
    number = "".join(str(int(char, 36)) for char in rearranged)
    return int(number) % 97 == 1


def _date_like(ddmmyy: str, day_first: bool = True) -> bool:
    day, month = (ddmmyy[:2], ddmmyy[2:4]) if day_first else (ddmmyy[4:6], ddmmyy[2:4])
    try:
        date(2000, int(month), int(day))
    except ValueError:
        return False
    return True


def _card(match: re.Match[str]) -> bool:
    digits = re.sub(r"\D", "", match.group(0))
    return 13 <= len(digits) <= 19 and luhn_valid(digits)


def _personnummer(match: re.Match[str]) -> bool:
    birth, serial = match.group(1), match.group(2)
    return _date_like(birth, day_first=False) and luhn_valid(birth + serial)


def _hetu(match: re.Match[str]) -> bool:
    checks = "0123456789ABCDEFHJKLMNPRSTUVWXY"
    number = int(match.group(1) + match.group(2))
    return _date_like(match.group(1)) and checks[number % 31] == match.group(3)


def _dni(match: re.Match[str]) -> bool:
    return "TRWAGMYFPDXBNJZSQVHLCKE"[int(match.group(1)) % 23] == match.group(2)


def _always(_match: re.Match[str]) -> bool:
    return True


Detector = tuple[Kind, re.Pattern[str], Callable[[re.Match[str]], bool]]
# Checked numbers first, so a valid IBAN or card is never half-taken by a looser pattern.
DETECTORS: tuple[Detector, ...] = (
    ("email", _EMAIL, _always),
    ("iban", _IBAN, lambda match: iban_valid(match.group(0))),
    ("card", _CARD, _card),
    ("national_id", _SE_PERSONNUMMER, _personnummer),
    ("national_id", _FI_HETU, _hetu),
    ("national_id", _DK_CPR, lambda match: _date_like(match.group(1))),
    ("national_id", _ES_DNI, _dni),
    ("national_id", _US_SSN, _always),
    ("phone", _PHONE, lambda match: len(re.sub(r"\D", "", match.group(0))) >= 8),
)


def find_pii(text: str, kinds: Iterable[Kind] = ALL_KINDS) -> list[Finding]:
    """Non-overlapping findings of the wanted kinds, in text order."""
    if not _MAY_HOLD_PII.search(text):
        return []
    wanted = frozenset(kinds)
    taken: list[Finding] = []
    for kind, pattern, accept in DETECTORS:
        for match in pattern.finditer(text):
            start, end = match.span()
            if any(start < other.end and other.start < end for other in taken):
                continue
            if accept(match):
                taken.append(Finding(kind, start, end))
    return sorted((f for f in taken if f.kind in wanted), key=lambda finding: finding.start)


def mask_text(text: str, kinds: Iterable[Kind] = ALL_KINDS) -> str:
    """The text with each piece of personal data replaced by a label such as [card]."""
    if not text:
        return text
    parts: list[str] = []
    cursor = 0
    for finding in find_pii(text, kinds):
        parts += [text[cursor : finding.start], _PLACEHOLDER[finding.kind]]
        cursor = finding.end
    return "".join(parts) + text[cursor:] if parts else text


def mask_data(value: Any, kinds: Iterable[Kind] = ALL_KINDS) -> Any:
    """A copy of JSON-like data (dicts, lists, strings) with every string masked."""
    wanted = frozenset(kinds)
    if isinstance(value, str):
        return mask_text(value, wanted)
    if isinstance(value, dict):
        return {key: mask_data(item, wanted) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return type(value)(mask_data(item, wanted) for item in value)
    return value
