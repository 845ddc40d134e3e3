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
    `prefixes`) also matches longer words it starts; scripts without spaces match anywhere.
    Each kind is one group behind one word-start check: a check per term made every search
    try every term at every character (about 0.4 ms a message for the lists of a turn)."""
    whole, starts, anywhere = [], [], []
    for term in sorted({fold(term) for term in terms}, key=len, reverse=True):
        stem = term.rstrip("*")
        escaped = re.escape(stem)
        if _BOUNDARY_FREE.match(stem):
            anywhere.append(escaped)
        elif prefixes or term.endswith("*"):
            starts.append(escaped)
        else:
            whole.append(escaped)
    groups = [
        rf"(?<!\w)(?:{'|'.join(whole)})(?!\w)" if whole else "",
        rf"(?<!\w)(?:{'|'.join(starts)})" if starts else "",
        f"(?:{'|'.join(anywhere)})" if anywhere else "",
    ]
    return re.compile("|".join(group for group in groups if group) or r"(?!)")
