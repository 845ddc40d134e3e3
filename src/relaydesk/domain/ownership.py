"""The conversation owner state machine: assistant -> queued -> agent -> assistant | closed.

`resume` takes a waiting conversation back to the assistant when what it waited for was
decided without a person taking it (an approval decided from the approval queue).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from relaydesk.domain.errors import IllegalTransition
from relaydesk.domain.model import EventKind, NewEvent, Owner, Source


class Transition(StrEnum):
    ESCALATE = "escalate"
    CLAIM = "claim"
    RELEASE = "release"
    HAND_BACK = "hand_back"
    CLOSE = "close"
    REOPEN = "reopen"
    RESUME = "resume"


_ALLOWED: dict[Transition, tuple[frozenset[Owner], Owner]] = {
    Transition.ESCALATE: (frozenset({Owner.ASSISTANT}), Owner.QUEUED),
    Transition.CLAIM: (frozenset({Owner.QUEUED}), Owner.AGENT),
    # An agent who disconnects or times out returns the conversation to the queue.
    Transition.RELEASE: (frozenset({Owner.AGENT}), Owner.QUEUED),
    Transition.HAND_BACK: (frozenset({Owner.AGENT}), Owner.ASSISTANT),
    Transition.CLOSE: (frozenset({Owner.ASSISTANT, Owner.QUEUED, Owner.AGENT}), Owner.CLOSED),
    Transition.REOPEN: (frozenset({Owner.CLOSED}), Owner.ASSISTANT),
    Transition.RESUME: (frozenset({Owner.QUEUED}), Owner.ASSISTANT),
}


@dataclass(frozen=True)
class OwnerChange:
    transition: Transition
    before: Owner
    after: Owner

    def event(
        self,
        source: Source,
        *,
        text: str | None = None,
        actor_id: str | None = None,
        **details: object,
    ) -> NewEvent:
        """The owner_changed event recording this change: its transition, from and to come
        from the change itself, `details` say why and how (reason, disposition, agent...)."""
        data = {
            "transition": self.transition.value,
            "from": self.before.value,
            "to": self.after.value,
            **details,
        }
        return NewEvent(EventKind.OWNER_CHANGED, source, text, data, actor_id)


def apply_transition(current: Owner, transition: Transition) -> OwnerChange:
    """Return the change `transition` makes from `current`, or raise IllegalTransition."""
    sources, target = _ALLOWED[transition]
    if current not in sources:
        raise IllegalTransition(
            f"A conversation owned by {current.value} cannot {transition.value.replace('_', ' ')}."
        )
    return OwnerChange(transition=transition, before=current, after=target)
