"""Counts written in words ("forty-five", "fünfundvierzig", "cuarenta y cinco"), 1 to 99.

Numbers are built from parts that add up: tens, then units (or units "und" tens in German),
joined by nothing, a hyphen, a space or a connecting word. A phrase with two tens or two
units is not one number, so it is not read as one.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

_UNITS = {
    # en
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
    "nine": 9,
    # sv, da, nb
    "ett": 1, "två": 2, "tre": 3, "fyra": 4, "fem": 5, "sex": 6, "sju": 7, "åtta": 8, "nio": 9,
    "seks": 6, "syv": 7, "otte": 8, "åtte": 8,
    # de
    "eins": 1, "ein": 1, "zwei": 2, "drei": 3, "vier": 4, "fünf": 5, "sechs": 6, "sieben": 7,
    "acht": 8, "neun": 9,
    # es
    "uno": 1, "dos": 2, "tres": 3, "cuatro": 4, "cinco": 5, "seis": 6, "siete": 7, "ocho": 8,
    "nueve": 9,
    # fr
    "un": 1, "une": 1, "deux": 2, "trois": 3, "quatre": 4, "cinq": 5, "sept": 7, "huit": 8,
    "neuf": 9,
}  # fmt: skip
# Words that also mean "a" or "an": a number only on their own before a unit ("a week").
_ARTICLES = {"a": 1, "an": 1, "en": 1, "una": 1, "eine": 1, "einen": 1}
_TEENS = {
    "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15,
    "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19,
    "tio": 10, "elva": 11, "tolv": 12, "tretton": 13, "fjorton": 14, "femton": 15,
    "sexton": 16, "sjutton": 17, "arton": 18, "nitton": 19, "ti": 10, "elleve": 11,
    "zehn": 10, "elf": 11, "zwölf": 12, "dreizehn": 13, "vierzehn": 14, "fünfzehn": 15,
    "sechzehn": 16, "siebzehn": 17, "achtzehn": 18, "neunzehn": 19,
    "diez": 10, "once": 11, "doce": 12, "trece": 13, "catorce": 14, "quince": 15,
    "dieciséis": 16, "diecisiete": 17, "dieciocho": 18, "diecinueve": 19,
    "dix": 10, "onze": 11, "douze": 12, "treize": 13, "quatorze": 14, "quinze": 15, "seize": 16,
}  # fmt: skip
_TENS = {
    "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70,
    "eighty": 80, "ninety": 90,
    "tjugo": 20, "trettio": 30, "fyrtio": 40, "femtio": 50, "sextio": 60, "sjuttio": 70,
    "åttio": 80, "nittio": 90, "tyve": 20, "tredive": 30, "fyrre": 40, "tjue": 20,
    "tretti": 30, "førti": 40, "femti": 50,
    "zwanzig": 20, "dreißig": 30, "dreissig": 30, "vierzig": 40, "fünfzig": 50, "sechzig": 60,
    "siebzig": 70, "achtzig": 80, "neunzig": 90,
    "veinte": 20, "veinti": 20, "treinta": 30, "cuarenta": 40, "cincuenta": 50, "sesenta": 60,
    "setenta": 70, "ochenta": 80, "noventa": 90,
    "vingt": 20, "trente": 30, "quarante": 40, "cinquante": 50, "soixante": 60,
    "quatre-vingt": 80, "quatre-vingts": 80,
}  # fmt: skip
_CONNECTORS = ("und", "and", "y", "et", "och", "og")
_PARTS = sorted([*_UNITS, *_TEENS, *_TENS], key=len, reverse=True)
_PART = "|".join(re.escape(part) for part in _PARTS)
_JOIN = rf"(?:[\s-]*(?:{'|'.join(_CONNECTORS)})[\s-]*|[\s-]*)"
_PHRASE = re.compile(rf"(?<!\w)(?:{_PART})(?:{_JOIN}(?:{_PART}))*(?!\w)", re.IGNORECASE)
_ARTICLE = re.compile(rf"(?<!\w)(?:{'|'.join(_ARTICLES)})(?!\w)", re.IGNORECASE)
# Connectors are split off first so "fünfundvierzig" is fünf + und + vierzig, not fünf + un.
_SPLIT = re.compile(
    "|".join(re.escape(p) for p in sorted([*_PARTS, *_CONNECTORS], key=len, reverse=True)),
    re.IGNORECASE,
)


@dataclass(frozen=True)
class WrittenNumber:
    value: int
    start: int
    end: int
    article: bool = False  # "a", "en", "eine": one only in front of a unit ("a week")


def written_numbers(text: str) -> Iterator[WrittenNumber]:
    """Every count written in words in text, in order; articles count only as one."""
    found = [
        WrittenNumber(value, match.start(), match.end())
        for match in _PHRASE.finditer(text)
        if (value := _value(match.group(0))) is not None
    ]
    found += [
        WrittenNumber(1, match.start(), match.end(), article=True)
        for match in _ARTICLE.finditer(text)
        if not any(n.start <= match.start() < n.end for n in found)
    ]
    yield from sorted(found, key=lambda number: number.start)


def _value(phrase: str) -> int | None:
    """The number a phrase of parts adds up to, or None when its parts do not form one."""
    parts = [part.lower() for part in _SPLIT.findall(phrase) if part.lower() not in _CONNECTORS]
    tens = [_TENS[part] for part in parts if part in _TENS]
    small = [_UNITS.get(part) or _TEENS[part] for part in parts if part not in _TENS]
    if len(tens) > 1 or len(small) > 1:
        return None
    if tens and small and small[0] >= 10 and tens[0] not in (60, 80):
        return None  # only French adds a teen to a ten: soixante-quinze, quatre-vingt-dix
    return sum(tens) + sum(small)
