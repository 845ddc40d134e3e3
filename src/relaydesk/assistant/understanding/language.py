"""Language identification: pycld2 by default (microseconds), lingua as an accurate opt-in."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import Any, Protocol

SUPPORTED_LANGUAGES: tuple[str, ...] = (
    "en", "sv", "de", "es", "fr", "it", "pt", "nl", "da", "no", "fi", "is", "pl", "cs", "sk",
    "hu", "ro", "bg", "el", "ru", "uk", "sr", "hr", "sl", "lt", "lv", "et", "tr", "ar", "he",
    "fa", "hi", "bn", "ur", "th", "vi", "id", "ms", "tl", "zh", "ja", "ko", "ca", "sw",
)  # fmt: skip

# cld2 still speaks some pre-2000 codes and script variants
_CLD2_ALIASES = {"iw": "he", "in": "id", "zh-Hant": "zh", "nb": "no", "nn": "no", "jw": "jv"}
_CLD2_HINTS = {"no": "nb", "he": "iw", "id": "in"}
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_LETTER = re.compile(r"[^\W\d_]", re.UNICODE)
# Emails, links and reference ids carry no language; left in, "alice@example.com" makes a
# Swedish sentence English.
_NOT_LANGUAGE = re.compile(
    r"\S+@\S+|https?://\S+|www\.\S+|\b[A-Z]{2,4}-?\d{3,}\b|\b\w*\d\w*\b", re.UNICODE
)
# below this many letters a guess is noise unless the script gives the language away
_SHORT_TEXT_LETTERS = 12
_DEFAULT = "en"


@dataclass(frozen=True)
class LanguageGuess:
    language: str  # ISO 639-1
    confidence: float


class LanguageIdentifier(Protocol):
    def identify(self, text: str, conversation_language: str | None = None) -> LanguageGuess: ...


def clean_text(text: str) -> str:
    """Text made safe for every backend: valid UTF-8, no control characters, NFC."""
    repaired = text.encode("utf-8", "replace").decode("utf-8", "replace")
    return unicodedata.normalize("NFC", _CONTROL.sub(" ", repaired))


def _letter_count(text: str) -> int:
    """Letters, where one CJK character counts as a short word."""
    letters = _LETTER.findall(text)
    return len(letters) + 2 * sum(1 for letter in letters if ord(letter) >= 0x2E80)


def _unique_script_language(text: str) -> str | None:
    """Scripts used by a single supported language identify it even in one word."""
    names = {unicodedata.name(char, "").split(" ", 1)[0] for char in text if ord(char) > 0x36F}
    for script, language in _SCRIPT_LANGUAGES:
        if script in names:
            return language
    return None


# kana before Han: Japanese mixes both, Chinese uses Han alone
_SCRIPT_LANGUAGES = (
    ("HANGUL", "ko"), ("HIRAGANA", "ja"), ("KATAKANA", "ja"), ("CJK", "zh"), ("THAI", "th"),
    ("HEBREW", "he"), ("GREEK", "el"), ("BENGALI", "bn"), ("DEVANAGARI", "hi"),
)  # fmt: skip


class Cld2LanguageIdentifier:
    """pycld2 with bestEffort, falling back to the conversation's language for short texts."""

    def __init__(self, languages: tuple[str, ...] = SUPPORTED_LANGUAGES) -> None:
        import pycld2  # lazy: a C extension that some deployments may swap out

        self._cld2: Any = pycld2
        self._languages = frozenset(languages)

    def identify(self, text: str, conversation_language: str | None = None) -> LanguageGuess:
        cleaned = _NOT_LANGUAGE.sub(" ", clean_text(text))
        script_language = _unique_script_language(cleaned[:200])
        short = _letter_count(cleaned) < _SHORT_TEXT_LETTERS
        if short and script_language is not None:
            return LanguageGuess(script_language, 0.9)
        if short and conversation_language:
            return LanguageGuess(conversation_language, 0.5)
        guess = self._detect(cleaned, conversation_language)
        if guess is not None and guess.language in self._languages and guess.confidence >= 0.5:
            return guess
        if script_language is not None:
            return LanguageGuess(script_language, 0.8)
        if conversation_language:
            return LanguageGuess(conversation_language, 0.5)
        if guess is not None and guess.language in self._languages:
            return guess
        return LanguageGuess(_DEFAULT, 0.2)

    def _detect(self, text: str, hint: str | None) -> LanguageGuess | None:
        # The conversation's language is a hint: it settles close calls (Swedish read as
        # Slovak, Spanish as Portuguese) and never outweighs a clear other language.
        options = {"hintLanguage": _CLD2_HINTS.get(hint, hint)} if hint else {}
        try:
            reliable, _, details = self._cld2.detect(text, bestEffort=True, **options)
        except self._cld2.error:
            return None
        name, code, percent, _score = details[0]
        code = _CLD2_ALIASES.get(code, code)
        if code in {"un", "xx"} or name == "Unknown":
            return None
        confidence = (0.6 + 0.35 * percent / 100) if reliable else 0.45 * percent / 100
        return LanguageGuess(code, round(confidence, 3))


class LinguaLanguageIdentifier:
    """lingua restricted to the configured languages: slower than cld2, better on short texts."""

    def __init__(self, languages: tuple[str, ...] = SUPPORTED_LANGUAGES) -> None:
        import lingua  # type: ignore[import-not-found,unused-ignore]  # optional extra

        codes = [lingua.IsoCode639_1.from_str(code) for code in languages if code != "no"]
        self._lingua: Any = lingua
        self._detector: Any = lingua.LanguageDetectorBuilder.from_iso_codes_639_1(*codes).build()

    def identify(self, text: str, conversation_language: str | None = None) -> LanguageGuess:
        cleaned = clean_text(text)
        fallback = conversation_language or _DEFAULT
        if _letter_count(cleaned) < _SHORT_TEXT_LETTERS and conversation_language:
            return LanguageGuess(conversation_language, 0.5)
        values = self._detector.compute_language_confidence_values(cleaned)
        if not values:
            return LanguageGuess(fallback, 0.3)
        best = values[0]
        code = best.language.iso_code_639_1.name.lower()
        return LanguageGuess(code, round(float(best.value), 3))


def build_language_identifier(backend: str = "cld2") -> LanguageIdentifier:
    """The named backend: 'cld2' (default) or 'lingua'."""
    if backend == "lingua":
        return LinguaLanguageIdentifier()
    if backend == "cld2":
        return Cld2LanguageIdentifier()
    raise ValueError(f"Unknown language backend '{backend}': use 'cld2' or 'lingua'.")
