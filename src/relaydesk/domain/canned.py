"""Canned responses: ready replies per language with variables, filled for one conversation."""

from __future__ import annotations

import re
import string
from dataclasses import dataclass
from datetime import datetime

from relaydesk.domain.errors import InvalidInput

# What a canned response may say about the conversation at hand; the rest is typed by people.
VARIABLES = {
    "first_name": "the customer's first name",
    "customer_name": "the customer's full name",
    "order_id": "the order number the conversation is about",
    "agent_name": "your first name",
}
SHORTCUT = re.compile(r"^[a-z0-9][a-z0-9_-]{0,63}$")
LANGUAGE = re.compile(r"^[a-z]{2,3}(-[A-Za-z0-9]{2,8})?$")


@dataclass(frozen=True)
class CannedResponse:
    id: str
    shortcut: str  # typed after "/" in the reply box
    language: str
    title: str
    body: str  # text with {first_name}-style variables
    active: bool
    updated_by: str
    updated_at: datetime


def variables_in(body: str) -> list[str]:
    """The variables a body uses; refuses unknown ones and broken braces with a sentence."""
    try:
        names = [name for _, name, _, _ in string.Formatter().parse(body) if name is not None]
    except ValueError:
        raise InvalidInput(
            "Braces must pair up, like {first_name}; write {{ for a brace."
        ) from None
    unknown = sorted({name for name in names if name not in VARIABLES})
    if unknown:
        known = ", ".join("{" + name + "}" for name in VARIABLES)
        raise InvalidInput(f"Unknown variable {{{unknown[0]}}}; use {known}.")
    return names


def check_canned(shortcut: str, language: str, title: str, body: str) -> None:
    """Refuse what the reply box could not offer or fill."""
    if not SHORTCUT.match(shortcut):
        raise InvalidInput("A shortcut is lowercase letters, digits, - or _ (up to 64).")
    if not LANGUAGE.match(language):
        raise InvalidInput("The language is a code like en, sv or pt-BR.")
    if not title.strip() or len(title) > 200:
        raise InvalidInput("Give the response a title of up to 200 characters.")
    if not body.strip() or len(body) > 4000:
        raise InvalidInput("The text must have 1 to 4000 characters.")
    variables_in(body)


def fill(body: str, values: dict[str, str | None]) -> str:
    """The body with what is known filled in; unknown values stay as [order number] to type."""
    shown = {
        name: values.get(name) or f"[{VARIABLES[name].removeprefix('the ').removeprefix('your ')}]"
        for name in VARIABLES
    }
    return body.format_map(shown)
