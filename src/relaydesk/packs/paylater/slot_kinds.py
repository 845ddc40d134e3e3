"""The demo company's own slot kinds and reference numbers: what the core engine does not know."""

from __future__ import annotations

import re

from relaydesk.assistant.slots import SlotReader
from relaydesk.assistant.understanding import Understanding
from relaydesk.assistant.understanding.entities import ReferencePattern

# ORD-123456, RF-123456, DS-123456 (also "ord 123456", "#ORD123456")
REFERENCES = (
    ReferencePattern("order_id", "ORD", 6),
    ReferencePattern("refund_id", "RF", 6),
    ReferencePattern("dispute_id", "DS", 6),
)
_LAST4 = re.compile(r"(?<!\d)(\d{4})(?!\d)")
_DISPUTE_WORDS = {
    "not_received": (
        "not_received", "not received", "never arrived", "didn't arrive", "did not arrive",
        "not arrived", "hasn't arrived", "never came", "kom aldrig", "inte kommit",
        "nicht angekommen", "nie angekommen", "nicht geliefert", "nie geliefert",
        "no ha llegado", "no llegó", "nunca llegó", "nunca ha llegado", "no me ha llegado",
        "no lo he recibido", "pas reçu", "jamais reçu", "pas arrivé", "jamais arrivé",
        "non è arrivato", "mai arrivato", "non l'ho ricevuto", "niet aangekomen",
        "nooit aangekomen", "niet ontvangen", "não chegou", "nunca chegou", "não recebi",
        "inte levererats", "har inte fått", "ikke modtaget", "ikke mottatt", "ei saapunut",
        "nie dotarł", "nie otrzymałem", "nie otrzymałam",
    ),
    "wrong_item": (
        "wrong_item", "wrong item", "wrong product", "wrong size", "different item",
        "fel vara", "falscher artikel", "falsche ware", "artículo equivocado",
        "producto equivocado", "mauvais article", "articolo sbagliato", "verkeerde artikel",
    ),
    "not_as_described": (
        "not_as_described", "not as described", "damaged", "broken", "fake", "defective",
        "trasig", "skadad", "beschädigt", "kaputt", "defekt", "dañado", "roto", "endommagé",
        "cassé", "non conforme", "danneggiato", "kapot",
    ),
}  # fmt: skip


def read_dispute_reason(text: str) -> str | None:
    lowered = text.lower()
    for reason, words in _DISPUTE_WORDS.items():
        if any(word in lowered for word in words):
            return reason
    return None


def read_last4(text: str) -> str | None:
    match = _LAST4.search(text)
    return match.group(1) if match else None


def _dispute_reason(text: str, _understanding: Understanding, _awaiting: bool) -> str | None:
    return read_dispute_reason(text)


def _last4(text: str, _understanding: Understanding, awaiting: bool) -> str | None:
    return read_last4(text) if awaiting else None


# order_id and refund_id need no reader: they are the kinds of REFERENCES.
SLOT_KINDS: dict[str, SlotReader] = {
    "dispute_reason": _dispute_reason,
    "last4": _last4,
}
