"""Reading what a customer writes: ids, identity, yes and no, what they want done.

English first; yes, no, the kinds of request and the cancellation reasons are also read in
the other languages the store answers in (de, es, fr, sv), whose customers the step answers
from the catalogs. Product names and options are the catalogue's English ones.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_ORDER = re.compile(r"#?\s?\b[wW]\s?(\d{7})\b")
_ZIP = re.compile(r"\b(\d{5})\b")
_ITEM_ID = re.compile(r"\b(\d{10})\b")
_NAME = re.compile(
    r"\b(?i:i am|i'm|im|my name is|name is|this is|it's|it is|name's|call me)\s+"
    r"([A-Z][a-z'-]+)\s+([A-Z][a-z'-]+)"
)
_YES = re.compile(
    r"^\s*(?:yes|yeah|yep|yup|sure|correct|confirm(?:ed)?|go ahead|please do|please proceed|"
    r"proceed|ok|okay|that's right|that is right|do it|sounds good|"
    r"ja|jawohl|gerne|sí|oui|japp)\b",
    re.IGNORECASE,
)
_NO = re.compile(r"^\s*(?:no|nope|don't|do not|not now|never mind|nevermind|wait|hold on|stop|"
                 r"nein|nej)\b", re.IGNORECASE)


def words(text: str) -> list[str]:
    """Lower-case words, with hyphens and slashes as spaces; % and . kept inside numbers."""
    cleaned = re.sub(r"[^\w%.+'\s]", " ", text.lower().replace("-", " ").replace("/", " "))
    found = [w.strip(".'") for w in cleaned.split() if w.strip(".'")]
    return [UNITS.get(word, word) for word in found]


# Units as customers write them, as the catalogue writes them.
UNITS = {"foot": "ft", "feet": "ft", "inches": "inch", "litre": "liter", "litres": "liters"}


def emails(text: str) -> list[str]:
    return [match.lower() for match in _EMAIL.findall(text)]


def order_ids(text: str) -> list[str]:
    """Order ids as the store writes them (#W2378156), however the customer typed them."""
    found: list[str] = []
    for digits in _ORDER.findall(text):
        order_id = f"#W{digits}"
        if order_id not in found:
            found.append(order_id)
    return found


def item_ids(text: str) -> list[str]:
    return _ITEM_ID.findall(text)


def zip_code(text: str) -> str | None:
    without_orders = _ORDER.sub(" ", text)
    found = _ZIP.findall(without_orders)
    return found[-1] if found else None


_BARE_NAME = re.compile(r"^\s*([A-Z][a-z'-]+)\s+([A-Z][a-z'-]+)\s*[,.]")
_NOT_NAMES = {"Hi", "Hello", "Hey", "Thanks", "Thank", "Yes", "No", "Please", "Good", "Dear"}


def full_name(text: str) -> tuple[str, str] | None:
    """'I'm Yusuf Rossi' or a message that starts with the name ('Isabella Johansson, zip ...')."""
    match = _NAME.search(text) or _BARE_NAME.search(text)
    if match is None or match.group(1) in _NOT_NAMES:
        return None
    return match.group(1), match.group(2)


def is_yes(text: str) -> bool:
    return bool(_YES.match(text)) and not is_no(text)


def is_no(text: str) -> bool:
    return bool(_NO.match(text))


@dataclass(frozen=True)
class Wants:
    """What one message asks for, by kind of request."""

    cancel: bool
    exchange: bool
    return_: bool
    address: bool
    payment: bool


def wants(text: str) -> Wants:
    """The requests a message names (several at once are common)."""
    low = text.lower()
    return Wants(
        cancel=bool(re.search(r"\b(cancel|remove|stornier|annul|avbeställ)", low))
        and not re.search(r"\b(?:don't|do not|not|no|never)\s+(?:want to\s+)?cancel", low),
        exchange=bool(re.search(r"\b(exchange|swap|switch|modify|change|replace|upgrade)\b"
                                r"|\bnew (?:pair|one)\b|\b(?:um)?tauschen\b|\bbyta\b|échanger",
                                low)),
        return_=bool(re.search(r"\b(return|send (?:it|them) back|zurück(?:geben|schicken|senden)"
                               r"|returnera|retourner|devolver)", low)),
        address=bool(re.search(r"\baddress", low)) and bool(
            re.search(r"\b(change|update|modify|switch|move|correct|fix|set)\b", low)),
        payment=bool(re.search(r"\b(payment method|pay with|pay for it with|charge)", low)),
    )


def cancel_reason(text: str) -> str | None:
    """One of the two reasons the policy accepts, if the customer's words say it."""
    low = text.lower()
    if re.search(r"mistake|by accident|accidentally|versehen|irrtümlich|av misstag|par erreur"
                 r"|por error", low):
        return "ordered by mistake"
    if re.search(r"no longer need|don't need|do not need|not need (?:it|them)|don't want"
                 r"|nicht mehr (?:benötig|brauch)|behöver (?:den |dem |det )?inte|"
                 r"plus besoin|ya no (?:lo |la |los |las )?necesito", low):
        return "no longer needed"
    return None


def payment_hint(text: str) -> str | None:
    """Which kind of payment method the customer names: gift_card, paypal, credit_card, original."""
    low = text.lower()
    if re.search(r"gift ?card|\bgc\b", low):
        return "gift_card"
    if "paypal" in low:
        return "paypal"
    brand = re.search(r"\b(visa|mastercard|amex|american express|discover)\b", low)
    if brand:
        name = brand.group(1).replace("american express", "amex")
        return f"credit_card:{name}"
    if re.search(r"credit card|\bcard\b", low):
        return "credit_card"
    if re.search(r"original|same (?:payment|method|card)", low):
        return "original"
    return None
