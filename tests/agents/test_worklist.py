"""The console's lists: name, language, why, how long the customer waits and the SLA clock."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta

from sqlalchemy import update

from agents.helpers import Desks
from relaydesk.desk.worklist import SlaTargets, Worklist
from relaydesk.domain.model import EventKind, NewEvent, Source
from relaydesk.store.tables import conversations
from relaydesk.store.worklist import WorklistStore

TARGETS = SlaTargets(first_response=timedelta(minutes=2), reply=timedelta(minutes=5))


def worklist(desks: Desks) -> Worklist:
    return Worklist(WorklistStore(desks.store.engine), desks.routing, TARGETS, clock=desks.clock)


def test_a_queued_row_says_who_why_in_which_language_and_when_the_first_response_is_due(
    desks: Desks,
) -> None:
    maria = desks.add("Maria")
    conversation = desks.escalated("frustrated", language="de", frustration=0.9)
    desks.routing.sync_queue()
    desks.clock.advance(90)

    (row,) = worklist(desks).queue(maria)

    assert row.conversation_id == conversation.id and row.customer_name == "Ann"
    assert (row.language, row.reason, row.intent) == ("de", "frustrated", "refund_status")
    assert row.preview == "I need help with my refund"
    assert row.waited_seconds(desks.clock()) == 90
    assert row.target == "first response" and row.sla_state(desks.clock(), TARGETS) == "soon"
    desks.clock.advance(60)
    assert row.sla_state(desks.clock(), TARGETS) == "breached"


def test_my_row_waits_for_a_first_response_then_only_for_unanswered_customer_messages(
    desks: Desks,
) -> None:
    maria = desks.add("Maria")
    conversation = desks.escalated()
    desks.routing.sync_queue()
    desks.routing.claim(conversation.id, maria)
    desks.clock.advance(30)
    (row,) = worklist(desks).mine(maria)
    assert row.target == "first response" and row.waited_seconds(desks.clock()) >= 30

    desks.work.reply(conversation.id, maria, "Hi Ann, Maria here.")
    (row,) = worklist(desks).mine(maria)
    assert row.waiting_since is None and row.sla_state(desks.clock(), TARGETS) == "none"

    desks.store.append(
        conversation.id, [NewEvent(kind=EventKind.MESSAGE, source=Source.CUSTOMER, text="Hello?")]
    )
    (row,) = worklist(desks).mine(maria)
    assert row.target == "reply" and row.due_at is not None
    assert row.due_at - row.waiting_since == TARGETS.reply  # type: ignore[operator]


def test_my_conversations_come_closest_to_breaking_their_target_first(desks: Desks) -> None:
    maria = desks.add("Maria", capacity=5)
    answered, waiting = desks.escalated(), desks.escalated()
    desks.routing.sync_queue()
    for conversation in (answered, waiting):
        desks.routing.claim(conversation.id, maria)
    desks.work.reply(answered.id, maria, "Hi!")

    rows = worklist(desks).mine(maria)

    assert [row.conversation_id for row in rows] == [waiting.id, answered.id]


def opened_at(desks: Desks, conversation_id: str, moment: datetime) -> None:
    with desks.store.engine.begin() as conn:
        conn.execute(
            update(conversations)
            .where(conversations.c.id == conversation_id)
            .values(created_at=moment)
        )


def test_a_conversation_open_longer_than_the_resolution_target_is_flagged_even_when_answered(
    desks: Desks,
) -> None:
    targets = replace(TARGETS, resolution=timedelta(minutes=30))
    board = Worklist(WorklistStore(desks.store.engine), desks.routing, targets, desks.clock)
    maria = desks.add("Maria")
    conversation = desks.escalated()
    opened_at(desks, conversation.id, desks.clock())
    desks.routing.sync_queue()
    (queued,) = board.queue(maria)
    assert queued.resolution_due == desks.clock() + timedelta(minutes=30)
    desks.routing.claim(conversation.id, maria)
    desks.work.reply(conversation.id, maria, "Hi Ann, Maria here.")

    desks.clock.advance(29 * 60)
    (row,) = board.mine(maria)
    assert row.sla_state(desks.clock(), targets) == "none"  # the customer is answered
    assert not row.resolution_late(desks.clock())

    desks.clock.advance(2 * 60)
    (row,) = board.mine(maria)
    assert row.resolution_late(desks.clock())
    assert row.open_seconds(desks.clock()) == 31 * 60
