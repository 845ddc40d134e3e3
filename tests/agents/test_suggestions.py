"""Reply suggestions from the demo pack's knowledge and flows, for the last customer message."""

from __future__ import annotations

from datetime import UTC, datetime

from relaydesk.assistant.engine import PackAssistant
from relaydesk.desk.suggestions import ReplySuggestions
from relaydesk.domain.model import ConversationId, Event, EventId, EventKind, Source


def event(seq: int, kind: EventKind, source: Source, text: str = "", **data: object) -> Event:
    return Event(
        id=EventId(f"e{seq}"),
        conversation_id=ConversationId("c1"),
        seq=seq,
        kind=kind,
        source=source,
        created_at=datetime(2026, 12, 1, tzinfo=UTC),
        text=text,
        data=dict(data),
    )


def test_the_last_question_gets_its_article_as_a_draft_and_its_operation(
    demo_assistant: PackAssistant,
) -> None:
    parts = demo_assistant.parts
    suggestions = ReplySuggestions(parts.knowledge, parts.flows, parts.article_link)
    events = [
        event(1, EventKind.MESSAGE, Source.CUSTOMER, "hello"),
        event(2, EventKind.MESSAGE, Source.CUSTOMER, "Can I postpone my next payment a week?"),
        event(
            3, EventKind.ASSISTANT_TURN, Source.ASSISTANT, intent="postpone_payment", confidence=0.9
        ),
    ]

    found = suggestions.for_events(events, "en")

    articles = [s for s in found if s.kind == "article"]
    assert articles and all("/help/" in s.draft for s in articles)
    assert [s.tool for s in found if s.kind == "operation"] == ["postpone_payment"]


def test_nothing_is_suggested_before_the_customer_said_anything(
    demo_assistant: PackAssistant,
) -> None:
    parts = demo_assistant.parts
    suggestions = ReplySuggestions(parts.knowledge, parts.flows, parts.article_link)
    assert suggestions.for_events([], "en") == []
