from dataclasses import replace
from datetime import UTC, datetime

import pytest

from relaydesk.domain.errors import IllegalTransition
from relaydesk.domain.model import (
    ConversationId,
    Event,
    EventId,
    EventKind,
    NewEvent,
    Owner,
    Source,
)
from relaydesk.domain.ownership import Transition, apply_transition
from relaydesk.domain.payloads import OwnerChanged


def test_an_escalated_conversation_waits_in_the_queue() -> None:
    change = apply_transition(Owner.ASSISTANT, Transition.ESCALATE)
    assert (change.before, change.after) == (Owner.ASSISTANT, Owner.QUEUED)


def test_a_claimed_conversation_can_be_handed_back_to_the_assistant() -> None:
    claimed = apply_transition(Owner.QUEUED, Transition.CLAIM).after
    assert apply_transition(claimed, Transition.HAND_BACK).after is Owner.ASSISTANT


@pytest.mark.parametrize(
    ("owner", "transition"),
    [
        (Owner.ASSISTANT, Transition.CLAIM),
        (Owner.QUEUED, Transition.HAND_BACK),
        (Owner.CLOSED, Transition.ESCALATE),
        (Owner.AGENT, Transition.ESCALATE),
        (Owner.CLOSED, Transition.CLOSE),
    ],
)
def test_illegal_transitions_are_refused_with_a_reason(
    owner: Owner, transition: Transition
) -> None:
    with pytest.raises(IllegalTransition, match="cannot"):
        apply_transition(owner, transition)


def test_a_queued_conversation_whose_approval_was_decided_resumes_with_the_assistant() -> None:
    change = apply_transition(Owner.QUEUED, Transition.RESUME)
    assert (change.before, change.after) == (Owner.QUEUED, Owner.ASSISTANT)
    with pytest.raises(IllegalTransition, match="cannot resume"):
        apply_transition(Owner.AGENT, Transition.RESUME)


def test_the_owner_changed_event_is_built_from_the_change_itself() -> None:
    change = apply_transition(Owner.AGENT, Transition.CLOSE)
    event = change.event(Source.AGENT, text="Closed.", actor_id="agt_1", disposition="resolved")
    assert (event.kind, event.source, event.text, event.actor_id) == (
        EventKind.OWNER_CHANGED, Source.AGENT, "Closed.", "agt_1",
    )  # fmt: skip
    assert event.data == {
        "transition": "close", "from": "agent", "to": "closed", "disposition": "resolved",
    }  # fmt: skip


def test_an_owner_change_reads_back_as_its_typed_payload() -> None:
    escalate = apply_transition(Owner.ASSISTANT, Transition.ESCALATE)
    stored = stored_as(escalate.event(Source.ASSISTANT, reason="frustration", priority=3))
    read = OwnerChanged.of(stored)
    assert read is not None and read.is_a(Transition.ESCALATE)
    assert (read.before, read.after, read.reason, read.priority, read.skill) == (
        Owner.ASSISTANT, Owner.QUEUED, "frustration", 3, None,
    )  # fmt: skip
    assert OwnerChanged.of(replace(stored, kind=EventKind.MESSAGE)) is None
    odd = OwnerChanged.of(replace(stored, data={"transition": "teleport", "priority": "high"}))
    assert odd == OwnerChanged(None, None, None)  # another version's words read as unknown


def stored_as(new: NewEvent) -> Event:
    return Event(
        id=EventId("evt_1"),
        conversation_id=ConversationId("cnv_1"),
        seq=1,
        kind=new.kind,
        source=new.source,
        text=new.text,
        data=new.data,
        actor_id=new.actor_id,
        created_at=datetime(2026, 12, 6, tzinfo=UTC),
    )
