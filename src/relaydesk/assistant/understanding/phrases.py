"""Multilingual phrase lists as one regular expression each, and text folded to match them."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

# Thai, CJK, Hangul and kana are written without spaces: their phrases match anywhere
_BOUNDARY_FREE = re.compile(r"[\u0E00-\u0E7F\u2E80-\u9FFF\uAC00-\uD7AF\u3040-\u30FF]")
_APOSTROPHES = str.maketrans({"\u2019": "'", "\u02bc": "'", "`": "'"})


def fold(text: str) -> str:
    """Text as phrase lists are written: NFC, case-folded, one kind of apostrophe."""
    return unicodedata.normalize("NFC", text).casefold().translate(_APOSTROPHES)


def phrase_pattern(terms: Iterable[str], *, prefixes: bool = False) -> re.Pattern[str]:
    """Whole words or phrases, longest first; a term ending in '*' (or every term, with
    `prefixes`) also matches longer words it starts; scripts without spaces match anywhere."""
    parts = []
    for term in sorted({fold(term) for term in terms}, key=len, reverse=True):
        stem = term.rstrip("*")
        escaped = re.escape(stem)
        if _BOUNDARY_FREE.match(stem):
            parts.append(escaped)
        elif prefixes or term.endswith("*"):
            parts.append(rf"(?<!\w){escaped}")
        else:
            parts.append(rf"(?<!\w){escaped}(?!\w)")
    return re.compile("|".join(parts))
