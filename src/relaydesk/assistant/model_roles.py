"""Where an optional language model may help a turn; the engine works the same without one.

An implementation (relaydesk.llm) may replace a low-confidence understanding with a
validated proposal (which then goes through the same policy, flow and confirmation) and may
phrase a knowledge answer; anything it says must pass the guard, else the turn goes on as if
it had not been asked.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from relaydesk.assistant.knowledge import Hit
    from relaydesk.assistant.turn_builder import TurnBuilder


class ModelRoles(Protocol):
    def reconsider(self, turn: TurnBuilder, text: str) -> None:
        """When the classifier is unsure, maybe replace the turn's understanding."""

    def answer_from_knowledge(self, turn: TurnBuilder, text: str, hit: Hit) -> bool:
        """Say a guarded answer phrased from the article; False leaves it to the engine."""
