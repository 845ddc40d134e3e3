"""How the store's customers prove who they are: the slot kinds of name and zip code."""

from __future__ import annotations

from relaydesk.assistant.slots import SlotReader
from relaydesk.assistant.understanding import Understanding
from relaydesk.packs.retail.dialogue import words as w

NAME_AND_ZIP = ("first_name", "last_name", "zip")


def _first_name(text: str, _u: Understanding, _awaiting: bool) -> str | None:
    name = w.full_name(text)
    return name[0] if name else None


def _last_name(text: str, _u: Understanding, _awaiting: bool) -> str | None:
    name = w.full_name(text)
    return name[1] if name else None


def _zip(text: str, _u: Understanding, awaiting: bool) -> str | None:
    # A five-digit number is a zip code when identity was asked for or a name comes with it.
    return w.zip_code(text) if awaiting or w.full_name(text) else None


IDENTITY_KINDS: dict[str, SlotReader] = {
    "first_name": _first_name,
    "last_name": _last_name,
    "zip": _zip,
}
