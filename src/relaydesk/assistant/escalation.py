"""When the assistant steps aside, and why: a configurable policy over understanding and memory."""

from __future__ import annotations

from pydantic import BaseModel, Field

from relaydesk.assistant.dialogue import DialogueState
from relaydesk.assistant.turn import Escalation
from relaydesk.assistant.understanding import Understanding

SENSITIVE_DEFAULTS = {
    "hardship": ("sensitive_hardship", "hardship"),
    "bereavement": ("sensitive_bereavement", "hardship"),
    "fraud": ("sensitive_fraud", "fraud"),
    "complaint": ("complaint", "complaints"),
}


class EscalationPolicy(BaseModel):
    """Thresholds an operator tunes; every escalation names its reason."""

    frustration_high: float = Field(default=0.65, ge=0, le=1)
    frustration_rising: float = Field(default=0.35, ge=0, le=1)  # rise over the last 3 messages
    frustration_rising_floor: float = Field(default=0.5, ge=0, le=1)
    low_confidence: float = Field(default=0.5, ge=0, le=1)  # less likely than not: ask
    low_confidence_strikes: int = Field(default=2, ge=1)
    flow_failures: int = Field(default=2, ge=1)
    repeated_intent: int = Field(default=3, ge=2)  # the same request this often: a loop
    sensitive: dict[str, tuple[str, str]] = Field(default_factory=lambda: dict(SENSITIVE_DEFAULTS))

    def before_acting(
        self, understanding: Understanding, state: DialogueState
    ) -> Escalation | None:
        """Reasons to hand over before the assistant tries anything."""
        if understanding.wants_human:
            return Escalation(reason="asked_for_human", priority=2)
        if understanding.frustration >= self.frustration_high or self._rising(state):
            return Escalation(reason="frustration", priority=3)
        if understanding.intent in self.sensitive and not understanding.out_of_scope:
            reason, skill = self.sensitive[understanding.intent]
            return Escalation(reason=reason, priority=3, skill=skill)
        if self._looping(state):
            return Escalation(reason="loop", priority=1)
        return None

    def is_low_confidence(self, understanding: Understanding) -> bool:
        return understanding.out_of_scope or understanding.confidence < self.low_confidence

    def after_low_confidence(self, state: DialogueState) -> Escalation | None:
        if state.low_confidence_streak >= self.low_confidence_strikes:
            return Escalation(reason="low_confidence", priority=1)
        return None

    def after_failure(self, state: DialogueState, flow: str, skill: str) -> Escalation | None:
        if state.failures.get(flow, 0) >= self.flow_failures:
            return Escalation(reason="flow_failed", priority=1, skill=skill, detail=flow)
        return None

    def _rising(self, state: DialogueState) -> bool:
        recent = state.frustration[-3:]
        return (
            len(recent) >= 2
            and recent[-1] >= self.frustration_rising_floor
            and recent[-1] - recent[0] >= self.frustration_rising
        )

    def _looping(self, state: DialogueState) -> bool:
        recent = state.last_intents[-self.repeated_intent :]
        return (
            len(recent) == self.repeated_intent
            and len(set(recent)) == 1
            and recent[0] not in {"affirm", "deny", "greeting", "thanks"}
        )
