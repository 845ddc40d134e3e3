"""Where an optional language model may help a turn; the engine works the same without one.

An implementation (relaydesk.llm) may propose an understanding for a low-confidence message
(the engine applies it, and it then goes through the same policy, flow and confirmation)
and may phrase a knowledge answer (which the engine says); anything it says must pass the
guard, else the turn goes on as if it had not been asked.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    from relaydesk.assistant.knowledge import Hit
    from relaydesk.assistant.turn_builder import TurnBuilder


@dataclass(frozen=True)
class UnderstandingProposal:
    """The model's reading of a message the classifier was unsure about: an intent the pack
    offers, and the slots it found (checked against the flows' slot schema)."""

    intent: str
    slots: dict[str, Any] = field(default_factory=dict)


class ModelRoles(Protocol):
    """The roles read the turn and propose; the engine applies what they return."""

    def reconsider(self, turn: TurnBuilder, text: str) -> UnderstandingProposal | None:
        """When the classifier is unsure, maybe propose another understanding."""

    def answer_from_knowledge(self, turn: TurnBuilder, text: str, hit: Hit) -> str | None:
        """A guarded answer phrased from the article (its link is added by the engine);
        None leaves the answer to the engine."""
