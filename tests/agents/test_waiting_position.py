"""Waiting that tells the truth: asking for a person again while queued gets the current
place and wait at once, not silence (issue 18, item 8)."""

from __future__ import annotations

from agents.helpers import Desks
from relaydesk.assistant.turn import AcknowledgingAssistant
from relaydesk.bus.memory import MemoryBus
from relaydesk.desk.conversations import ConversationDesk
from relaydesk.domain.model import EventKind, Source


def test_asking_for_a_person_again_while_queued_is_answered_with_the_current_position(
    desks: Desks,
) -> None:
    ahead = desks.escalated()
    assert desks.routing.sync_queue() == 1
    desks.clock.advance(30)
    waiting = desks.escalated()
    assert desks.routing.sync_queue() == 1
    desk = ConversationDesk(
        desks.store, MemoryBus(), AcknowledgingAssistant(), waiting=desks.routing
    )

    receipt = desk.receive_customer_message(waiting.id, "I want to talk to a person", "again-1")

    (notice,) = [e for e in receipt.replies if e.kind is EventKind.MESSAGE]
    assert notice.source is Source.SYSTEM
    assert notice.data["queue_position"] == 2
    assert "Nobody who can help is online" in (notice.text or "")
    assert ahead.id != waiting.id


def test_other_messages_while_queued_wait_for_the_person_silently(desks: Desks) -> None:
    waiting = desks.escalated()
    desks.routing.sync_queue()
    desk = ConversationDesk(
        desks.store, MemoryBus(), AcknowledgingAssistant(), waiting=desks.routing
    )
    receipt = desk.receive_customer_message(waiting.id, "my order number is ORD-100001", "k1")
    assert receipt.replies == []


def test_the_position_is_told_once_per_message_even_when_retried(desks: Desks) -> None:
    waiting = desks.escalated()
    desks.routing.sync_queue()
    desk = ConversationDesk(
        desks.store, MemoryBus(), AcknowledgingAssistant(), waiting=desks.routing
    )
    first = desk.receive_customer_message(waiting.id, "can I speak to a human please", "k1")
    again = desk.receive_customer_message(waiting.id, "can I speak to a human please", "k1")
    assert [e.id for e in first.replies] == [e.id for e in again.replies]
    assert len(first.replies) == 1
