"""Reading one field of a stored payload: JSON written by any version, read as its type or not
at all (a value of the wrong type reads as missing, never as an error)."""

from __future__ import annotations

from enum import StrEnum
from typing import Any, TypeVar

E = TypeVar("E", bound=StrEnum)


def member(kind: type[E], value: Any) -> E | None:
    try:
        return kind(value) if isinstance(value, str) else None
    except ValueError:  # written by another version: read as unknown
        return None


def text(value: Any) -> str | None:
    return value if isinstance(value, str) and value else None


def whole(value: Any) -> int:
    return int(value) if isinstance(value, int | float) and not isinstance(value, bool) else 0


def number(value: Any) -> float | None:
    return float(value) if isinstance(value, int | float) and not isinstance(value, bool) else None


def mapping(value: Any) -> dict[str, Any]:
    return dict(value) if isinstance(value, dict) else {}


def records(value: Any) -> list[dict[str, Any]]:
    """A list of JSON objects (a payload's model-call records); anything else is left out."""
    return (
        [dict(item) for item in value if isinstance(item, dict)] if isinstance(value, list) else []
    )
