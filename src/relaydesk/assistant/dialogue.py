"""The assistant's memory between turns, kept in the conversation's own events."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from pydantic import BaseModel, Field, ValidationError

from relaydesk.domain.message_payloads import MessageSaid
from relaydesk.domain.model import Event, Source
from relaydesk.domain.turn_payloads import AssistantTurn


class ActiveFlow(BaseModel):
    name: str
    slots: dict[str, Any] = Field(default_factory=dict)
    awaiting: str | None = None  # "slot:<name>", "confirm" or "verify"
    asked: dict[str, int] = Field(default_factory=dict)  # how often each question was asked
    preview: dict[str, Any] = Field(default_factory=dict)
    # What the tool's policy said about the values shown: the exact object to confirm.
    check: dict[str, Any] = Field(default_factory=dict)
    confirmation: str | None = None  # id of the confirmation shown; a yes consumes it once
    reminded: int = 0  # how often the question was asked again after a side question


class DialogueState(BaseModel):
    """Everything the next turn must know; stored as JSON on the turn's assistant_turn event."""

    flow: ActiveFlow | None = None
    parked: list[ActiveFlow] = Field(default_factory=list)  # flows left for another topic
    verified_customer_id: str | None = None
    verify_slots: dict[str, str] = Field(default_factory=dict)
    clarifications: int = 0
    low_confidence_streak: int = 0
    failures: dict[str, int] = Field(default_factory=dict)  # per flow
    frustration: list[float] = Field(default_factory=list)  # recent, newest last
    language: str | None = None
    last_intents: list[str] = Field(default_factory=list)  # recent, newest last
    # The pack's dialogue step (relaydesk.assistant.steps): its memory, whether it waits for
    # the customer, what was asked before identity was proven, how often identity was asked.
    step_memory: dict[str, Any] = Field(default_factory=dict)
    step_open: bool = False
    step_waiting: list[str] = Field(default_factory=list)
    step_identity_asks: int = 0


def latest_state(history: Sequence[Event]) -> DialogueState:
    """The state the assistant left on its newest turn, or a fresh one."""
    for event in reversed(history):
        turn = AssistantTurn.of(event) if event.source is Source.ASSISTANT else None
        if turn is not None and turn.dialogue is not None:
            return DialogueState.model_validate(turn.dialogue)
    return DialogueState()


def state_of(turn: AssistantTurn) -> DialogueState | None:
    """The dialogue state a turn left; None when it left none, or one this version cannot
    read (written by another version)."""
    if turn.dialogue is None:
        return None
    try:
        return DialogueState.model_validate(turn.dialogue)
    except ValidationError:
        return None


def remember(values: list[Any], value: Any, keep: int = 6) -> list[Any]:
    """Append and keep only the newest `keep` values."""
    return [*values, value][-keep:]


def chosen_value(history: Sequence[Event], text: str) -> str:
    """The value of the quick reply the customer tapped: the widget sends the label they saw
    ("Ja"), so the transcript shows their words; the turn reads the value ("yes")."""
    for event in reversed(history):
        said = MessageSaid.of(event) if event.source is Source.ASSISTANT else None
        if said is not None:
            for choice in said.choices:
                label, value = choice.label, choice.value
                if label and value and label.strip().casefold() == text.strip().casefold():
                    return value
            return text
    return text
