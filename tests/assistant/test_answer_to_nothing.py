"""A "yes" or "no" when the assistant asked nothing: no help-centre article answers it."""

from typing import Any

import pytest
from sqlalchemy import Engine

from relaydesk.assistant.engine import PackAssistant
from relaydesk.domain.model import EventKind
from support.demo import assistant_on, desk_for


class CountedSearches:
    """The demo pack's help centre, counting the searches made in it."""

    def __init__(self, knowledge: Any) -> None:
        self._knowledge = knowledge
        self.queries: list[str] = []

    def search(self, query: str, *args: Any, **kwargs: Any) -> Any:
        self.queries.append(query)
        return self._knowledge.search(query, *args, **kwargs)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._knowledge, name)


def first_reply_key(desk: Any, conversation_id: str, text: str) -> str:
    receipt = desk.receive_customer_message(conversation_id, text, text)
    return str(next(e for e in receipt.replies if e.kind is EventKind.MESSAGE).data["reply_key"])


@pytest.mark.parametrize(("answer", "language"), [("yes please", "en"), ("nej", "sv")])
def test_an_answer_to_no_question_is_not_looked_up_in_the_help_centre(
    demo_assistant: PackAssistant, backend: Engine, answer: str, language: str
) -> None:
    knowledge = CountedSearches(demo_assistant.parts.knowledge)
    desk = desk_for(assistant_on(demo_assistant, backend, knowledge=knowledge), backend)
    conversation = desk.start_conversation(
        customer_ref="cust-alice", display_name="Alice", language=language
    )
    assert first_reply_key(desk, conversation.id, answer) == "clarify"
    assert knowledge.queries == []
    question = "Do you ship to Iceland?" if language == "en" else "Skickar ni till Island?"
    assert first_reply_key(desk, conversation.id, question) == "knowledge.answer"
    assert knowledge.queries == [question]
