"""A dialogue step a pack runs itself, for conversations its flows cannot express.

The engine still owns the turn: the escalation policy runs before the step, identity is
proven the ways the pack declares before the step sees the request, every tool call goes
through the tool's own policy and into the event log, and every reply passes the guard.
The step keeps its memory as JSON in the conversation's dialogue state, so a turn on any
worker continues where the last one stopped.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    from relaydesk.assistant.step_turn import StepTurn
    from relaydesk.assistant.understanding import Understanding


class DialogueStep(Protocol):
    @property
    def needs_identity(self) -> bool:
        """Whether the customer must be verified before the step sees their request."""
        ...

    @property
    def reply_keys(self) -> frozenset[str]:
        """Every catalog key the step says; the pack does not load when a catalog lacks one."""
        ...

    def starts(self, text: str, understanding: Understanding, memory: dict[str, Any]) -> bool:
        """Whether this message (with no step open) is for the step; `memory` is what the
        step kept from earlier in the conversation."""
        ...

    def take(self, turn: StepTurn, text: str) -> None:
        """Answer the message through `turn`; set `turn.open = False` when nothing waits."""
        ...
