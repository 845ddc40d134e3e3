"""Addresses in a conversation: one the customer writes out, or one already on file."""

from __future__ import annotations

import re
from typing import Any

from relaydesk.packs.retail.dialogue import words as w

FIELDS = ("address1", "address2", "city", "state", "country", "zip")
STATES = {
    "alabama": "AL", "alaska": "AK", "arizona": "AZ", "arkansas": "AR", "california": "CA",
    "colorado": "CO", "connecticut": "CT", "delaware": "DE", "florida": "FL", "georgia": "GA",
    "hawaii": "HI", "idaho": "ID", "illinois": "IL", "indiana": "IN", "iowa": "IA",
    "kansas": "KS", "kentucky": "KY", "louisiana": "LA", "maine": "ME", "maryland": "MD",
    "massachusetts": "MA", "michigan": "MI", "minnesota": "MN", "mississippi": "MS",
    "missouri": "MO", "montana": "MT", "nebraska": "NE", "nevada": "NV",
    "new hampshire": "NH", "new jersey": "NJ", "new mexico": "NM", "new york": "NY",
    "north carolina": "NC", "north dakota": "ND", "ohio": "OH", "oklahoma": "OK",
    "oregon": "OR", "pennsylvania": "PA", "rhode island": "RI", "south carolina": "SC",
    "south dakota": "SD", "tennessee": "TN", "texas": "TX", "utah": "UT", "vermont": "VT",
    "virginia": "VA", "washington": "WA", "west virginia": "WV", "wisconsin": "WI",
    "wyoming": "WY", "district of columbia": "DC",
}
CITY_NICKNAMES = {"nyc": "New York", "big apple": "New York", "la": "Los Angeles",
                  "dc": "Washington", "sf": "San Francisco", "philly": "Philadelphia"}
_STATE_NAMES = "|".join(sorted(STATES, key=len, reverse=True))
_WRITTEN = re.compile(
    r"(?P<address1>\b\d+\s+[A-Za-z0-9 .'-]+?)\s*,\s*"
    r"(?:(?P<address2>(?i:suite|apt\.?|apartment|unit)\s*#?\s*\w+)\s*,\s*)?"
    r"(?P<city>[A-Za-z][A-Za-z .'-]*?)\s*,?\s*"
    rf"(?:\b(?P<state>[A-Z]{{2}}|(?i:{_STATE_NAMES}))\s*,?\s+)?"
    r"(?P<zip>\d{5})\b"
)


def written_address(text: str) -> dict[str, str] | None:
    """An address the customer wrote out ('1234 Elm St, Springfield, IL, 62701');
    `state` is empty when they left it out."""
    match = _WRITTEN.search(text)
    if match is None:
        return None
    state = (match.group("state") or "").strip()
    if state and len(state) != 2:
        state = STATES.get(state.lower(), "")
    city = match.group("city").strip()
    address2 = (match.group("address2") or "").strip()
    return {
        "address1": match.group("address1").strip(),
        "address2": address2[0].upper() + address2[1:] if address2 else "",
        "city": city,
        "state": state.upper(),
        "country": "USA",
        "zip": match.group("zip"),
    }


def state_named(text: str) -> str | None:
    """A state the customer names on its own ('New York', 'NY')."""
    low = text.lower()
    for name, code in sorted(STATES.items(), key=lambda pair: -len(pair[0])):
        if re.search(rf"\b{name}\b", low):
            return code
    found = re.search(r"\b([A-Z]{2})\b", text)
    return found.group(1) if found and found.group(1) in STATES.values() else None


def places_named(text: str) -> list[str]:
    """Cities and states a message names, as they are written in addresses."""
    low = " " + " ".join(w.words(text)) + " "
    found = [city for nick, city in CITY_NICKNAMES.items() if f" {nick} " in low]
    found += [code for name, code in STATES.items() if f" {name} " in low]
    return found


def same_place(address: dict[str, Any], places: list[str], text: str) -> bool:
    """Whether an address is in a place the customer named (a city, a state, a nickname)."""
    low = text.lower()
    return (
        address["city"] in places or address["state"] in places
        or bool(re.search(rf"\b{re.escape(address['city'].lower())}\b", low))
    )


def address_text(address: dict[str, Any]) -> str:
    parts = [address["address1"], address["address2"], address["city"],
             f"{address['state']} {address['zip']}", address["country"]]
    return ", ".join(part for part in parts if part)
