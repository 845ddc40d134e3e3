"""A turn reads the customer's dates from the time the message was written."""

from dataclasses import replace
from datetime import UTC, datetime
from typing import Any

import pytest
from sqlalchemy import Engine

from relaydesk.assistant.engine import PackAssistant
from relaydesk.assistant.turn import TurnContext
from relaydesk.assistant.understanding import Understanding
from relaydesk.domain.model import EventKind
from support.demo import assistant_on, desk_for


def test_a_relative_day_counts_from_when_the_message_was_written(
    demo_assistant: PackAssistant, backend: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    assistant = assistant_on(demo_assistant, backend)
    understander = assistant.parts.understander
    understood: list[Understanding] = []
    understand = understander.understand

    def keeping(*args: Any, **kwargs: Any) -> Understanding:
        understood.append(understand(*args, **kwargs))
        return understood[-1]

    desk = desk_for(assistant, backend)
    conversation = desk.start_conversation(
        customer_ref="cust-alice", display_name="Alice", language="fr"
    )
    desk.receive_customer_message(conversation.id, "bonjour", "k1")
    history = desk.store.events_after(conversation.id, 0)
    message = next(e for e in history if e.kind is EventKind.MESSAGE)
    # written on a Monday long ago (an email read late, say), in French
    written = replace(
        message, text="je paie demain", created_at=datetime(2026, 3, 2, 9, tzinfo=UTC)
    )
    monkeypatch.setattr(understander, "understand", keeping)
    assistant.take_turn(
        TurnContext(
            conversation=desk.store.get_conversation(conversation.id),
            customer=desk.store.get_customer(conversation.customer_id),
            history=[*history, written],
            message=written,
        )
    )
    # "je" reads as a Thursday too: a date must count from the message, never from it
    assert [(e.kind, e.value) for e in understood[0].entities] == [("date", "2026-03-03")]
