"""Two servers measured in alternation: A B, then B A, and so on, each pair's runs back to
back. The machine's speed swings by a fifth within minutes here, so only runs next to each
other compare; each pair gives a ratio, and the ratios' median is the comparison."""

from __future__ import annotations

import statistics
from collections.abc import Sequence
from typing import Protocol


class Measured(Protocol):
    @property
    def turns_per_s(self) -> float: ...

    @property
    def p99_ms(self) -> float: ...

    @property
    def cpu_s_per_turn(self) -> float | None: ...


def pair_order(pairs: int) -> list[tuple[int, int]]:
    """Which side runs first in each pair: 0 then 1, then 1 then 0, alternately, so neither
    side always runs on the warmer (or the more tired) machine."""
    return [(0, 1) if pair % 2 == 0 else (1, 0) for pair in range(pairs)]


def ratio(mine: float | None, theirs: float | None) -> float | None:
    if mine is None or theirs is None or theirs == 0:
        return None
    return mine / theirs


def pair_ratios(mine: Measured, theirs: Measured) -> dict[str, float | None]:
    """This side over the other, for one pair of runs."""
    return {
        "turns/s": ratio(mine.turns_per_s, theirs.turns_per_s),
        "p99": ratio(mine.p99_ms, theirs.p99_ms),
        "server CPU/turn": ratio(mine.cpu_s_per_turn, theirs.cpu_s_per_turn),
    }


def ratios_line(ratios: Sequence[dict[str, float | None]]) -> str:
    """Each figure's ratios pair by pair, and their median."""
    parts = []
    for name in ("turns/s", "p99", "server CPU/turn"):
        found = [value for r in ratios if (value := r[name]) is not None]
        if not found:
            parts.append(f"{name} n/a")
            continue
        each = ", ".join(f"{value:.2f}" for value in found)
        parts.append(f"{name} {statistics.median(found):.2f} ({each})")
    return "; ".join(parts)
