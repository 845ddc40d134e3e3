"""Comparing two end states of the store field by field, the benchmark's own criterion."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Difference:
    """Where two snapshots first differ: a path like orders['#W2378156'].status and both values."""

    path: str
    expected: Any
    actual: Any

    def describe(self) -> str:
        """One line for a report."""
        return f"{self.path}: expected {_short(self.expected)}, got {_short(self.actual)}"


_MISSING = object()


def _short(value: Any, limit: int = 120) -> str:
    if value is _MISSING:
        return "nothing"
    text = json.dumps(value, sort_keys=True, ensure_ascii=False)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def first_difference(expected: Any, actual: Any, path: str = "") -> Difference | None:
    """The first place (keys in sorted order, lists by index) where the two values differ."""
    if isinstance(expected, dict) and isinstance(actual, dict):
        for key in sorted(set(expected) | set(actual)):
            found = first_difference(
                expected.get(key, _MISSING), actual.get(key, _MISSING), f"{path}[{key!r}]"
            )
            if found is not None:
                return found
        return None
    if isinstance(expected, list) and isinstance(actual, list):
        for index in range(max(len(expected), len(actual))):
            found = first_difference(
                expected[index] if index < len(expected) else _MISSING,
                actual[index] if index < len(actual) else _MISSING,
                f"{path}[{index}]",
            )
            if found is not None:
                return found
        return None
    if not _same_value(expected, actual):
        return Difference(path or "(whole store)", expected, actual)
    return None


def _same_value(expected: Any, actual: Any) -> bool:
    """Equal values of one kind; 100 and 100.0 are the same amount, True and 1 are not."""
    numbers = (int, float)
    if isinstance(expected, bool) or isinstance(actual, bool):
        return type(expected) is type(actual) and expected == actual
    if isinstance(expected, numbers) and isinstance(actual, numbers):
        return expected == actual
    return type(expected) is type(actual) and bool(expected == actual)
