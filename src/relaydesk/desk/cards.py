"""Readable cards from typed tool results: any pack's results render from their JSON Schema.

A result's scalar fields become labelled values (dates, money beside a `currency` field,
yes/no, choices in words), a nested object becomes a nested card and a list of objects a
table. Labels come from the schema's titles, so a pack names things by naming its fields.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

Schema = dict[str, Any]
EMPTY = "—"
MAX_ROWS = 20
_VERBS = ("find_", "list_", "get_", "show_", "lookup_")


@dataclass(frozen=True)
class CardField:
    label: str
    value: str


@dataclass(frozen=True)
class CardTable:
    label: str
    columns: list[str]
    rows: list[list[str]]
    more: int = 0  # rows left out


@dataclass(frozen=True)
class Card:
    title: str
    fields: list[CardField] = field(default_factory=list)
    tables: list[CardTable] = field(default_factory=list)
    cards: list[Card] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not (self.fields or self.tables or self.cards)


def sentence(name: str) -> str:
    """'due_on' or 'Due On' -> 'Due on'; 'order_id' -> 'Order ID'."""
    words = re.split(r"[_\s]+", name.strip())
    words = ["ID" if word.lower() == "id" else word.lower() for word in words if word]
    if not words:
        return name
    return " ".join([words[0][:1].upper() + words[0][1:], *words[1:]])


def tool_title(tool: str) -> str:
    """A card's title from the tool's name: find_orders -> Orders."""
    for verb in _VERBS:
        if tool.startswith(verb):
            return sentence(tool[len(verb) :])
    return sentence(tool)


def card_for_result(tool: str, result: dict[str, Any], schema: Schema) -> Card:
    """The card for one tool's result, read through the result's JSON Schema."""
    return _object_card(tool_title(tool), result, schema, schema.get("$defs", {}))


def _resolve(schema: Schema, defs: Schema) -> Schema:
    """Follow $ref and drop the null branch of an optional field."""
    if "$ref" in schema:
        return _resolve(defs.get(schema["$ref"].rsplit("/", 1)[-1], {}), defs)
    branches = schema.get("anyOf")
    if branches:
        concrete = [branch for branch in branches if branch.get("type") != "null"]
        if len(concrete) == 1:
            return {**_resolve(concrete[0], defs), "title": schema.get("title")}
    return schema


def _object_card(title: str, data: dict[str, Any], schema: Schema, defs: Schema) -> Card:
    card = Card(title=title)
    properties: Schema = schema.get("properties", {})
    names = list(properties) + [name for name in data if name not in properties]
    for name in names:
        value = data.get(name)
        if value is None or name not in data:
            continue  # an absent optional value says nothing worth a line
        if name == "currency" and _shows_money(data, properties, defs):
            continue  # it is written beside each amount
        prop = _resolve(properties.get(name, {}), defs)
        label = sentence(prop.get("title") or name)
        _add(card, label, name, value, prop, data, defs)
    return card


def _add(
    card: Card, label: str, name: str, value: Any, prop: Schema, owner: dict[str, Any], defs: Schema
) -> None:
    if isinstance(value, dict):
        card.cards.append(_object_card(label, value, prop, defs))
    elif isinstance(value, list) and any(isinstance(item, dict) for item in value):
        card.tables.append(_table(label, value, _resolve(prop.get("items", {}), defs), defs))
    elif isinstance(value, list):
        card.fields.append(CardField(label, ", ".join(_scalar(v, {}, name, {}) for v in value)))
    else:
        card.fields.append(CardField(label, _scalar(value, prop, name, owner)))


def _table(label: str, items: list[Any], schema: Schema, defs: Schema) -> CardTable:
    rows = [item for item in items if isinstance(item, dict)]
    properties: Schema = schema.get("properties", {})
    names = list(properties) or sorted({key for row in rows for key in row})
    # Columns that are empty on every row, or are nested objects, only widen the table.
    names = [
        name
        for name in names
        if any(
            row.get(name) is not None and not isinstance(row.get(name), dict | list) for row in rows
        )
    ]
    props = {name: _resolve(properties.get(name, {}), defs) for name in names}
    if rows and "currency" in names and _shows_money(rows[0], properties, defs):
        names.remove("currency")  # it is written beside each amount
    shown = rows[:MAX_ROWS]
    return CardTable(
        label=label,
        columns=[sentence(props[name].get("title") or name) for name in names],
        rows=[[_scalar(row.get(name), props[name], name, row) for name in names] for row in shown],
        more=len(rows) - len(shown),
    )


def _scalar(value: Any, prop: Schema, name: str, owner: dict[str, Any]) -> str:
    if value is None:
        return EMPTY
    if isinstance(value, bool):
        return "yes" if value else "no"
    if prop.get("format") == "date" and isinstance(value, str):
        return _date(value)
    currency = owner.get("currency")
    if isinstance(currency, str) and name != "currency" and _is_amount(value, prop):
        return f"{Decimal(str(value)):,.2f} {currency}"
    if "enum" in prop and isinstance(value, str):
        return value.replace("_", " ")
    return str(value)


def _shows_money(data: dict[str, Any], properties: Schema, defs: Schema) -> bool:
    return any(
        name != "currency"
        and not isinstance(value, bool)
        and value is not None
        and not isinstance(value, dict | list)
        and _is_amount(value, _resolve(properties.get(name, {}), defs))
        for name, value in data.items()
    )


def _is_amount(value: Any, prop: Schema) -> bool:
    if isinstance(value, int) or prop.get("type") == "integer" or "format" in prop:
        return False  # counts, sequence numbers and dates are not money
    try:
        Decimal(str(value))
    except InvalidOperation:
        return False
    return True


def _date(value: str) -> str:
    try:
        return date.fromisoformat(value).strftime("%-d %b %Y")
    except ValueError:
        return value
