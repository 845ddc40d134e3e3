"""Entities in a customer message: reference ids, amounts, dates, emails and phone numbers."""

from __future__ import annotations

import functools
import re
import warnings
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from relaydesk.assistant.understanding.types import Entity

_EMAIL = re.compile(r"\b[\w.+\-]+@[\w\-]+(?:\.[\w\-]+)*\.[A-Za-z]{2,}\b")
_CURRENCY_SYMBOLS = {"€": "EUR", "$": "USD", "£": "GBP", "¥": "JPY", "₹": "INR", "zł": "PLN"}
_CURRENCY_WORDS = {
    "eur": "EUR", "euro": "EUR", "euros": "EUR", "sek": "SEK", "kr": "SEK", "kronor": "SEK",
    "usd": "USD", "dollars": "USD", "dollar": "USD", "gbp": "GBP", "pounds": "GBP",
    "nok": "NOK", "dkk": "DKK", "chf": "CHF", "pln": "PLN", "zł": "PLN", "czk": "CZK",
    "kč": "CZK", "jpy": "JPY", "inr": "INR", "try": "TRY", "brl": "BRL", "mxn": "MXN",
}  # fmt: skip
# bounded repetitions and a digit-boundary lookbehind keep long digit runs linear
_NUMBER = r"(?<![\d.,])(?:\d{1,3}(?:[ .,\u00a0]\d{3}){1,4}|\d{1,9})(?:[.,]\d{1,2})?(?!\d)"
_SYMBOL = r"€|\$|£|¥|₹"
_WORD = "|".join(sorted(_CURRENCY_WORDS, key=len, reverse=True))
_AMOUNT = re.compile(
    rf"(?P<pre>{_SYMBOL}|\b(?:{_WORD})\b)\s?(?P<n1>{_NUMBER})"
    rf"|(?P<n2>{_NUMBER})\s?(?P<post>{_SYMBOL}|(?:{_WORD})\b)",
    re.IGNORECASE,
)
_PHONE = re.compile(r"(?<![\w+])(\+|00)?\d[\d \-().]{6,16}\d(?![\w])")
# a date needs a digit with a separator, or a word dateparser knows; plain numbers are not dates
_NUMERIC_DATE = re.compile(r"\d{1,4}[./\-]\d{1,2}(?:[./\-]\d{2,4})?")
_CLAUSE = re.compile(r"[^.!?;\n]+(?:\.(?=\d)[^.!?;\n]*)*")
_DIGIT_GROUP = re.compile(r"\d+")
_MAX_CLAUSE = 120
_MAX_NUMBERS = 6
_MAX_CLAUSES = 3
_WORDS = re.compile(r"\w+")
_UNIT = re.compile(r"day|week|month|year")
# Norwegian is "no" to relaydesk and "nb" (Bokmål) to dateparser
_DATEPARSER_LANGUAGES = {"no": "nb"}
# dateparser's Swedish order is year first (ISO), but Swedes write 5/1 for the fifth of
# January; a date with its year reads the same in either order
_DAY_FIRST = frozenset({"sv"})
# "1.12." and "1.12.2026" are days; dateparser reads "1.12." as the time 01:12, "1/12/" not
_DOTTED_DATE = re.compile(r"(?<![\d.,])\d{1,2}\.\d{1,2}\.(?:\d{2,4}\b)?")
# the dot of a day before a word ("15. mars"): dateparser's Norwegian then loses the day
_ORDINAL_DOT = re.compile(r"(?<![\d.,])(\d{1,2})\.(?= [^\W\d_])")
# Greetings built on a word that also means "tomorrow" (German, Dutch, Danish, Norwegian
# "morgen") or "day" ("Guten Tag", "Bom dia", "Dzień dobry"): "Guten Morgen, can I
# postpone?" names no day, and "Guten Tag, ja" is not worth a date search.
_GREETING_NOT_A_DAY = re.compile(
    r"\b(?:(?:guten|goede|god|godt)\s+morgen|guten\s+tag|goede(?:n)?\s+dag|god\s+dag"
    r"|bom\s+dia|buen(?:os)?\s+d[ií]as?|dzień\s+dobry|dobr[yý]\s+den|dobrý\s+deň"
    r"|dob[ae]r\s+dan|hyvää\s+päivää|добр(?:ый|ий)\s+день|добър\s+ден|laba\s+diena"
    r"|bună\s+ziua|iyi\s+günler|jó\s+napot|tere\s+päevast|good\s+day)\b",
    re.IGNORECASE,
)
_CALENDAR_KEYS = (
    "january", "february", "march", "april", "may", "june", "july", "august", "september",
    "october", "november", "december", "monday", "tuesday", "wednesday", "thursday", "friday",
    "saturday", "sunday",
)  # fmt: skip


@dataclass(frozen=True)
class ReferencePattern:
    """A pack's reference number: a prefix and a fixed count of digits (ORD-123456).

    Customers write it loosely ("ord 123456", "#ORD123456"); the entity's value is always
    PREFIX-DIGITS.
    """

    kind: str  # the entity kind, which is also a slot kind: "order_id"
    prefix: str
    digits: int

    def compiled(self) -> re.Pattern[str]:
        return re.compile(
            rf"\b({re.escape(self.prefix)})[\s\-_#:]?(\d{{{self.digits}}})\b", re.IGNORECASE
        )


def extract_entities(
    text: str,
    language: str = "en",
    now: datetime | None = None,
    references: Sequence[ReferencePattern] = (),
) -> tuple[Entity, ...]:
    """All entities found, in order of appearance, none overlapping another."""
    found: list[Entity] = []
    for reference in references:
        found.extend(e for e in _references(text, reference) if not _overlaps(e, found))
    for finder in (_emails, _amounts, _phones):
        found.extend(entity for entity in finder(text) if not _overlaps(entity, found))
    found.extend(entity for entity in _dates(text, language, now) if not _overlaps(entity, found))
    return tuple(sorted(found, key=lambda entity: entity.start))


def _overlaps(entity: Entity, others: list[Entity]) -> bool:
    return any(entity.start < other.end and other.start < entity.end for other in others)


def _references(text: str, reference: ReferencePattern) -> Iterator[Entity]:
    for match in _compiled(reference).finditer(text):
        value = f"{reference.prefix.upper()}-{match.group(2)}"
        yield Entity(reference.kind, value, match.group(0), match.start(), match.end())


@functools.cache
def _compiled(reference: ReferencePattern) -> re.Pattern[str]:
    return reference.compiled()


def _emails(text: str) -> Iterator[Entity]:
    for match in _EMAIL.finditer(text):
        yield Entity("email", match.group(0).lower(), match.group(0), match.start(), match.end())


def _amounts(text: str) -> Iterator[Entity]:
    for match in _AMOUNT.finditer(text):
        unit = (match.group("pre") or match.group("post") or "").lower()
        currency = _CURRENCY_SYMBOLS.get(unit) or _CURRENCY_WORDS.get(unit)
        number = _normalise_number(match.group("n1") or match.group("n2") or "")
        if currency is None or number is None:
            continue
        value = f"{number} {currency}"
        yield Entity("amount", value, match.group(0), match.start(), match.end())


def _normalise_number(raw: str) -> str | None:
    """'1.234,50' and '1,234.50' both become '1234.50': the last separator with 1-2 digits
    after it is the decimal one."""
    compact = raw.replace(" ", "").replace("\u00a0", "")
    decimal = re.search(r"[.,](\d{1,2})$", compact)
    whole = compact[: decimal.start()] if decimal else compact
    digits = re.sub(r"[.,]", "", whole)
    if not digits.isdigit():
        return None
    cents = (decimal.group(1) if decimal else "").ljust(2, "0")
    return f"{int(digits)}.{cents}"


def _phones(text: str) -> Iterator[Entity]:
    for match in _PHONE.finditer(text):
        raw = match.group(0)
        digits = re.sub(r"\D", "", raw)
        if not 8 <= len(digits) <= 15 or _NUMERIC_DATE.fullmatch(raw.strip()):
            continue
        if raw.startswith("00"):
            digits = digits[2:]
        value = f"+{digits}" if raw.startswith(("+", "00")) else digits
        yield Entity("phone", value, raw, match.start(), match.end())


def _dates(text: str, language: str, now: datetime | None) -> Iterator[Entity]:
    language = _DATEPARSER_LANGUAGES.get(language, language)
    # what dateparser reads; every change keeps each character's place, so spans map back
    searched = _GREETING_NOT_A_DAY.sub(lambda greeting: " " * len(greeting.group(0)), text)
    if _date_order(language) == "DMY":
        searched = _DOTTED_DATE.sub(lambda date: date.group(0).replace(".", "/"), searched)
    searched = _ORDINAL_DOT.sub(lambda day: day.group(1) + " ", searched)
    for offset, clause in _date_clauses(searched):
        if not _may_hold_a_date(clause, language):
            continue  # no span of it could pass _looks_like_a_date: dateparser is not asked
        for span, parsed in _search_dates(clause, language, now):
            # dateparser gives the span with its spaces collapsed
            found = re.search(r"\s+".join(map(re.escape, span.split())), clause)
            if found is None or not _looks_like_a_date(span, language):
                continue
            start, end = offset + found.start(), offset + found.end()
            yield Entity("date", parsed.date().isoformat(), text[start:end], start, end)


def _looks_like_a_date(span: str, language: str) -> bool:
    """dateparser also reads 'mi', 'je', 'mit einem' and '3rd' as dates: keep a span only when
    it has a numeric date, a relative day, or a month or weekday name (short ones with a day
    number only, since 'may' and 'mit' are also ordinary words)."""
    if _NUMERIC_DATE.search(span):
        return True
    folded = span.casefold()
    calendar, _ = _date_words(language)
    if any(char.isdigit() for char in folded) and not calendar.isdisjoint(_WORDS.findall(folded)):
        return True
    return _has_undigited_date_word(folded, language)


def _may_hold_a_date(clause: str, language: str) -> bool:
    """False when no part of the clause could pass _looks_like_a_date: it has no digit and
    none of the words that test accepts without one. Most messages hold no date, and
    dateparser's search costs milliseconds per clause."""
    # folded as _looks_like_a_date folds a span: ß is ss in both
    return bool(_DIGIT_GROUP.search(clause)) or _has_undigited_date_word(
        clause.casefold(), language
    )


def _has_undigited_date_word(folded: str, language: str) -> bool:
    words, phrases, anywhere = _undigited_date_words(language)
    found = _WORDS.findall(folded)
    if not words.isdisjoint(found):
        return True
    spaced = f" {' '.join(found)} "
    return any(phrase in spaced for phrase in phrases) or bool(anywhere.search(folded))


@functools.cache
def _undigited_date_words(language: str) -> tuple[frozenset[str], tuple[str, ...], re.Pattern[str]]:
    """The words a date needs no digit for: relative-day words and long month or weekday
    names as whole words ("Bonjour" holds "jour", "Maria" holds "mar"), relative days of
    several words ("i morgon", between any punctuation), and the non-ASCII terms anywhere
    (languages written without spaces)."""
    calendar, relative = _date_words(language)
    words = {term for term in relative if term.isascii()}
    words |= {term for term in calendar if term.isascii() and len(term) >= 4}
    phrases = tuple(f" {term} " for term in sorted(relative) if " " in term)
    anywhere = sorted((t for t in calendar | relative if not t.isascii()), key=len, reverse=True)
    pattern = "|".join(map(re.escape, anywhere)) or r"(?!)"  # (?!): matches nothing
    return frozenset(words), phrases, re.compile(pattern)


@functools.cache
def _date_words(language: str) -> tuple[frozenset[str], frozenset[str]]:
    """Month and weekday names, and relative-day words with time units, from dateparser."""
    info = _locale_info(language)
    calendar = [word for key in _CALENDAR_KEYS for word in info.get(key, [])]
    relative = [word for key in ("day", "week", "month", "year") for word in info.get(key, [])]
    for key, values in info.get("relative-type", {}).items():
        relative += values if _UNIT.search(key) else []
    return _folded(calendar), _folded(relative)


def _folded(words: list[str]) -> frozenset[str]:
    return frozenset(word.casefold() for word in words if len(word) >= 3 or not word.isascii())


def _date_clauses(text: str) -> Iterator[tuple[int, str]]:
    """Short clauses only: dateparser's search grows steeply with length and with numbers."""
    kept = 0
    for match in _CLAUSE.finditer(text):
        clause = match.group(0)
        if len(clause) > _MAX_CLAUSE or len(_DIGIT_GROUP.findall(clause)) > _MAX_NUMBERS:
            continue
        yield match.start(), clause
        kept += 1
        if kept == _MAX_CLAUSES:
            return


@functools.cache
def _date_order(language: str) -> str | None:
    """How the language writes a date in numbers: dateparser reads 5.1. as May 1 when told
    only the language, though Germans mean the fifth of January."""
    if language in _DAY_FIRST:
        return "DMY"
    order = _locale_info(language).get("date_order")
    return order if isinstance(order, str) else None


@functools.cache
def _locale_info(language: str) -> dict[str, Any]:
    """dateparser's data on the language; empty for a language it does not know, which
    then has no date words and keeps dateparser's default order."""
    try:
        from dateparser.languages.loader import default_loader

        info: dict[str, Any] = default_loader.get_locale(language).info
    except Exception:
        return {}
    return info


def _search_dates(text: str, language: str, now: datetime | None) -> list[tuple[str, datetime]]:
    from dateparser.search import search_dates  # lazy: its import costs about a second

    # Always a base: without one, dateparser reads each date relative to the one found before
    # it, and "je paie demain" ("je" taken for Thursday) gave the day after Thursday.
    base = (now or datetime.now()).replace(tzinfo=None)
    settings: dict[str, Any] = {"PREFER_DATES_FROM": "future", "RELATIVE_BASE": base}
    order = _date_order(language)
    if order is not None:
        settings["DATE_ORDER"] = order
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # dateparser warns about its own internals
            result = search_dates(text, languages=[language], settings=settings)
    except Exception:  # an unsupported language or a parser bug must not break a turn
        return []
    return list(result or [])
