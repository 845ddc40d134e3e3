"""What a pack's dialogue step may do in a turn: the engine's tools, replies and memory."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from relaydesk.assistant.turn import Escalation
from relaydesk.assistant.turn_builder import TurnBuilder
from relaydesk.assistant.understanding import Understanding
from relaydesk.tools import PolicyDecision, ToolOutcome

# The engine's one-tap answers a step may offer, and the value the step then reads.
_VALUES = {"confirm_yes": "yes", "confirm_no": "no"}


class StepTurn:
    """One turn as a dialogue step sees it; it never touches the store or the bus."""

    def __init__(self, turn: TurnBuilder, memory: dict[str, Any], just_verified: bool) -> None:
        self._turn = turn
        self.memory = memory  # the step's own JSON, kept between turns
        self.just_verified = just_verified  # identity was proven with this message
        self.open = True  # the step is waiting for the customer's next message

    @property
    def customer_id(self) -> str | None:
        return self._turn.customer_id

    @property
    def language(self) -> str:
        return self._turn.language

    @property
    def understanding(self) -> Understanding:
        return self._turn.understanding

    def call_tool(self, name: str, params: dict[str, Any]) -> ToolOutcome:
        """Run a tool under its policy for the verified customer; logged as the engine's."""
        return self._turn.call_tool(name, params)

    def check_tool(self, name: str, params: dict[str, Any]) -> PolicyDecision:
        """The tool's policy on these values without running it (before asking for a yes)."""
        return self._turn.check_tool(name, params)

    def can_say(self, key: str) -> bool:
        return self._turn.can_say(key)

    def say(
        self, key: str, claims: Iterable[str] = (), choices: Iterable[str] = (), **values: Any
    ) -> None:
        """A reply from the pack's catalog in the conversation's language (`claims` and
        `choices` as in `say_text`)."""
        self.say_text(self.text(key, **values), key=key, claims=claims, choices=choices)

    def text(self, key: str, **values: Any) -> str:
        """A catalog text in the conversation's language, for a part of a longer reply."""
        return self._turn.parts.composer.catalog.render(key, self._turn.language, **values)

    def say_text(
        self, text: str, key: str, claims: Iterable[str] = (), choices: Iterable[str] = ()
    ) -> None:
        """A reply the step wrote; `claims` names the tools whose success it states, and the
        guard drops it unless they were done in this turn. `choices` are catalog keys of
        one-tap answers ("confirm_yes"): the customer sees the label in their language, the
        step reads the value ("yes")."""
        catalog = self._turn.parts.composer.catalog
        buttons = [
            {"label": catalog.render(choice, self._turn.language), "value": _VALUES[choice]}
            for choice in choices
        ]
        self._turn.say_text(text, list(claims), key=key, choices=buttons or None)

    def hand_over(self, reason: str, skill: str | None = None) -> None:
        """A person takes over; the step is closed."""
        self._turn.say("escalated_handover")
        self._turn.escalate(Escalation(reason=reason, priority=1, skill=skill))
        self.open = False
