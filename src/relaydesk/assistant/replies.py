"""Replies in the customer's language: gettext catalogs keyed by stable symbolic message keys.

English is the canonical catalog (msgid "orders.list", msgstr the English text); every
other language falls back to it one string at a time, so a half-translated catalog still works.
"""

from __future__ import annotations

import gettext
import io
import string
from collections.abc import Mapping
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

from babel import Locale, UnknownLocaleError
from babel.dates import format_date as babel_format_date
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.numbers import format_currency

DEFAULT_LANGUAGE = "en"
DOMAIN = "messages"
# Babel's bare "en" and "pt" are the US and Brazilian conventions; the demo company is European.
_REGIONAL_DEFAULTS = {"en": "en_GB", "pt": "pt_PT"}
# Language identifiers say "no" for Norwegian; the catalog is written in Bokmål ("nb").
_CATALOG_ALIASES = {"no": "nb", "nn": "nb"}


class MissingReply(LookupError):
    """A message key that not even the English catalog has."""


class ReplyCatalog:
    """Every reply template, per language, with a per-string fallback to English."""

    def __init__(self, translations: Mapping[str, gettext.NullTranslations]) -> None:
        if DEFAULT_LANGUAGE not in translations:
            raise ValueError("the English catalog is required: it is the fallback for every string")
        self._translations = dict(translations)

    @classmethod
    def load(cls, locale_dir: Path) -> ReplyCatalog:
        """Read compiled catalogs laid out as {locale_dir}/{language}/LC_MESSAGES/messages.mo."""
        translations: dict[str, gettext.NullTranslations] = {}
        for mo_path in sorted(locale_dir.glob(f"*/LC_MESSAGES/{DOMAIN}.mo")):
            with mo_path.open("rb") as mo_file:
                translations[mo_path.parent.parent.name] = gettext.GNUTranslations(mo_file)
        return cls(translations)

    @classmethod
    def load_sources(cls, locale_dir: Path) -> ReplyCatalog:
        """Compile the .po sources in memory: what the .mo files should contain."""
        translations: dict[str, gettext.NullTranslations] = {}
        for po_path in sorted(locale_dir.glob(f"*/LC_MESSAGES/{DOMAIN}.po")):
            translations[po_path.parent.parent.name] = gettext.GNUTranslations(
                io.BytesIO(_compile(po_path))
            )
        return cls(translations)

    def languages(self) -> list[str]:
        """The languages that have a catalog, English first."""
        return sorted(self._translations, key=lambda code: (code != DEFAULT_LANGUAGE, code))

    def message_keys(self) -> frozenset[str]:
        """Every message key, as defined by the English catalog."""
        return frozenset(key for key in _messages(self._translations[DEFAULT_LANGUAGE]) if key)

    def has(self, key: str, language: str) -> bool:
        """Whether language has its own translation of key (no fallback involved)."""
        catalog = self._translations.get(self._resolve(language))
        return catalog is not None and key in _messages(catalog)

    def template(self, key: str, language: str) -> str:
        """The unfilled text for key in language, or in English when language lacks it."""
        for candidate in (self._resolve(language), DEFAULT_LANGUAGE):
            catalog = self._translations.get(candidate)
            text = None if catalog is None else _messages(catalog).get(key)
            if text:
                return text
        raise MissingReply(key)

    def render(self, msgid_key: str, language: str, **params: object) -> str:
        """The reply for msgid_key in language, its {placeholders} filled from params."""
        text = self.template(msgid_key, language)
        try:
            return text.format_map(params)
        except (KeyError, IndexError, ValueError):
            english = self.template(msgid_key, DEFAULT_LANGUAGE)
            if english == text:
                raise
            # A translation with a broken placeholder must not cost the customer their answer.
            return english.format_map(params)

    def _resolve(self, language: str) -> str:
        """The catalog to use for a language tag: "pt-BR" -> "pt_BR", else "pt", else English."""
        tag = language.replace("-", "_")
        base = tag.split("_", 1)[0].lower()
        for candidate in (tag, base, _CATALOG_ALIASES.get(base, base)):
            if candidate in self._translations:
                return candidate
        return DEFAULT_LANGUAGE


def placeholders(text: str) -> frozenset[str]:
    """The named placeholders in a reply template."""
    return frozenset(name for _, name, _, _ in string.Formatter().parse(text) if name)


def compile_catalogs(locale_dir: Path) -> list[Path]:
    """Write a .mo next to every .po under locale_dir; returns the files written."""
    written = []
    for po_path in sorted(locale_dir.glob(f"*/LC_MESSAGES/{DOMAIN}.po")):
        mo_path = po_path.with_suffix(".mo")
        mo_path.write_bytes(_compile(po_path))
        written.append(mo_path)
    return written


def format_date(value: date | datetime, language: str) -> str:
    """A date written the way a customer in language expects it, e.g. "14 mars 2026"."""
    return babel_format_date(value, format="long", locale=_locale(language))


def format_amount(value: Decimal | float | int | str, currency: str, language: str) -> str:
    """An amount with its currency, formatted for language, e.g. "49,90 €"."""
    return format_currency(Decimal(str(value)), currency.upper(), locale=_locale(language))


def _locale(language: str) -> Locale:
    tag = language.replace("-", "_")
    try:
        return Locale.parse(_REGIONAL_DEFAULTS.get(tag, tag))
    except (UnknownLocaleError, ValueError):
        return Locale.parse(_REGIONAL_DEFAULTS[DEFAULT_LANGUAGE])


def _messages(catalog: gettext.NullTranslations) -> dict[str, str]:
    # GNUTranslations keeps its messages in _catalog; reading it tells "missing" from "present".
    messages: dict[str, str] = getattr(catalog, "_catalog", {})
    return messages


def _compile(po_path: Path) -> bytes:
    with po_path.open("rb") as po_file:
        catalog = read_po(po_file)
    buffer = io.BytesIO()
    write_mo(buffer, catalog)  # fuzzy entries are left out, so they fall back to English
    return buffer.getvalue()


if __name__ == "__main__":  # python -m relaydesk.assistant.replies LOCALE_DIR
    import sys

    for path in compile_catalogs(Path(sys.argv[1])):
        print(path)
