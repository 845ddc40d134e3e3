"""An agent typing: only the agent holding the conversation shows as typing; nothing is stored."""

from __future__ import annotations

from typing import Any

import pytest

from agents.helpers import Desks
from relaydesk.bus.base import conversation_topic
from relaydesk.bus.memory import MemoryBus
from relaydesk.desk.typing_signals import agent_typing
from relaydesk.domain.agents import Role
from relaydesk.domain.errors import Forbidden


class RecordingBus(MemoryBus):
    def __init__(self) -> None:
        super().__init__()
        self.published: list[tuple[str, dict[str, Any]]] = []

    def publish(self, topic: str, message: dict[str, Any]) -> None:
        self.published.append((topic, message))
        super().publish(topic, message)


def test_the_holding_agent_typing_is_published_with_their_first_name(desks: Desks) -> None:
    maria = desks.add("Maria Svensson")
    conversation = desks.escalated()
    desks.routing.claim(conversation.id, maria)
    before = desks.store.get_conversation(conversation.id).last_seq
    bus = RecordingBus()

    assert agent_typing(desks.store, bus, conversation.id, maria) == "Maria"
    expected = {"conversation_id": conversation.id, "typing": "Maria"}
    assert bus.published == [(conversation_topic(conversation.id), expected)]
    assert desks.store.get_conversation(conversation.id).last_seq == before  # never stored


def test_nobody_else_shows_as_typing(desks: Desks) -> None:
    maria, jonas = desks.add("Maria"), desks.add("Jonas")
    boss = desks.add("Sam", role=Role.SUPERVISOR)
    waiting = desks.escalated()
    bus = RecordingBus()
    with pytest.raises(Forbidden):  # nobody holds it yet
        agent_typing(desks.store, bus, waiting.id, maria)
    desks.routing.claim(waiting.id, maria)
    for other in (jonas, boss):
        with pytest.raises(Forbidden):
            agent_typing(desks.store, bus, waiting.id, other)
    assert bus.published == []
