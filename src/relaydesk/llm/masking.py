"""Personal data is masked before any text leaves for the model.

relaydesk.security.pii.mask_text is used when it is installed; until then a minimal masking
of email addresses, card-like digit runs and phone numbers stands in for it.
"""

from __future__ import annotations

import importlib
import re
from collections.abc import Callable

_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
# 13 to 19 digits with optional spaces or dashes between groups: a payment card number
_CARD = re.compile(r"(?<!\w)(?:\d[ -]?){12,18}\d(?!\w)")
_PHONE = re.compile(r"(?<![\w-])\+?\d[\d ()-]{7,}\d(?!\w)")
_IBAN = re.compile(r"\b[A-Z]{2}\d{2}(?: ?[A-Z0-9]{4}){2,7}(?: ?[A-Z0-9]{1,4})?\b")


def minimal_mask(text: str) -> str:
    """Emails, card numbers, IBANs and phone numbers replaced by placeholders."""
    text = _EMAIL.sub("[email]", text)
    text = _IBAN.sub("[iban]", text)
    text = _CARD.sub("[card]", text)
    return _PHONE.sub(_phone, text)


def _phone(match: re.Match[str]) -> str:
    """Nine digits or more make a phone number; a date or an order number has fewer."""
    digits = sum(char.isdigit() for char in match.group())
    return "[phone]" if digits >= 9 else match.group()


def load_masker() -> Callable[[str], str]:
    """The project's PII masking if present, else the minimal one here."""
    try:
        pii = importlib.import_module("relaydesk.security.pii")
    except ImportError:
        return minimal_mask
    masker: Callable[[str], str] | None = getattr(pii, "mask_text", None)
    return masker if callable(masker) else minimal_mask
