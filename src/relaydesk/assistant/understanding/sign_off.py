"""A message without how it is signed off. A closing name ("- Anna", "/Lars"), emoji,
emoticons and trailing dots carry no request, yet they make every message new to the intent
models and pull a short one away from its intent ("Hi, yes - Tom" read as a greeting), which
sends it to the full model, the dear one."""

from __future__ import annotations

import re
import unicodedata

# after a space (or alone), a dash or slash, then one or two words of letters
_SIGNATURE = re.compile(r"(?:^|\s)[-\u2013\u2014~/]\s*([^\W\d_]{1,20}(?:\s[^\W\d_]{1,20})?)[.!]?$")
_EMOTICON = re.compile(r"(?:[:;=][-^']?[()\]\[DPp/\\|*3]|<3|\^\^|\.{2,}|\u2026)$")
_SYMBOLS = frozenset({"So", "Sk"})  # emoji, skin tones
_JOINERS = frozenset("\u200d\ufe0e\ufe0f\u20e3")  # of emoji: a mark here may end a word


def without_sign_off(text: str) -> str:
    """`text` without a closing name and trailing emoji, emoticons and dots; the text as it
    is when nothing else would be left."""
    core = _signature_removed(_decoration_removed(text))
    core = _decoration_removed(core)
    return core if any(char.isalnum() for char in core) else text


def _decoration_removed(text: str) -> str:
    while True:
        stripped = text.rstrip()
        if stripped and _is_emoji_part(stripped[-1]):
            text = stripped[:-1]
            continue
        emoticon = _EMOTICON.search(stripped)
        if emoticon is None:
            return stripped
        text = stripped[: emoticon.start()]


def _signature_removed(text: str) -> str:
    """A name is capitalised, or written in a script without capitals: "- yes" is no name."""
    found = _SIGNATURE.search(text)
    if found is None:
        return text
    words = found.group(1).split()
    if all(word[0].isupper() or not word[0].islower() for word in words):
        return text[: found.start()]
    return text


def _is_emoji_part(char: str) -> bool:
    return char in _JOINERS or unicodedata.category(char) in _SYMBOLS
