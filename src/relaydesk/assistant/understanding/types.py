"""What the assistant understood of one customer message."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Entity:
    kind: str  # amount | date | email | phone, or a pack's reference kind
    value: str  # normalised: ISO date, '49.90 EUR', upper-case ids, lower-case email, +digits
    text: str  # as the customer wrote it
    start: int
    end: int


@dataclass(frozen=True)
class Understanding:
    text: str
    language: str  # ISO 639-1
    language_confidence: float
    intent: str | None  # None when out of scope
    confidence: float  # calibrated probability of `intent` (of the best intent when out of scope)
    out_of_scope: bool
    entities: tuple[Entity, ...]
    frustration: float  # 0 calm .. 1 furious
    wants_human: bool
    ranked: tuple[tuple[str, float], ...]  # best intents first, with their probabilities
