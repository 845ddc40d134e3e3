"""What the assistant is given for a turn and what it returns: no I/O crosses this line."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Protocol

from relaydesk.domain.model import Conversation, Customer, Event, EventKind, NewEvent, Source
from relaydesk.tools.attempts import AttemptLimits

if TYPE_CHECKING:
    from relaydesk.assistant.parts import AssistantParts


@dataclass(frozen=True)
class TurnContext:
    conversation: Conversation
    customer: Customer
    history: Sequence[Event]
    message: Event
    # Consumes a one-time key (a confirmation) for good; False when it was already used.
    # The desk backs it with the store, so two concurrent turns cannot both get True.
    claim: Callable[[str], bool] | None = None
    # Where the message came from (the client's IP; None by email or from a script), and
    # the shared failure counts that identity checks consult (per conversation, address,
    # account): both reach the tools through their ToolContext.
    client_address: str | None = None
    attempts: AttemptLimits | None = None


@dataclass(frozen=True)
class Escalation:
    """Why the assistant steps aside, and what kind of person should take over."""

    reason: str
    priority: int = 0
    skill: str | None = None
    detail: str | None = None


@dataclass(frozen=True)
class TurnResult:
    events: list[NewEvent]
    language: str | None = None
    escalation: Escalation | None = None
    close: bool = False  # the customer is done: the conversation ends, resolved by the assistant
    metrics: dict[str, float] = field(default_factory=dict)


class Assistant(Protocol):
    @property
    def parts(self) -> AssistantParts | None:
        """The pack's parts it answers with (tools, knowledge, flows); None without a pack."""
        ...

    def take_turn(self, context: TurnContext) -> TurnResult: ...


class AcknowledgingAssistant:
    """Replies with a fixed acknowledgement: the turn's plumbing without understanding."""

    parts: AssistantParts | None = None

    def take_turn(self, context: TurnContext) -> TurnResult:
        reply = NewEvent(
            kind=EventKind.MESSAGE,
            source=Source.ASSISTANT,
            text="Thanks, we have your message and will get back to you here.",
        )
        return TurnResult(events=[reply])
