"""Protocol tests of the agent's hand-off note against the local replaying server."""

from __future__ import annotations

import json
from pathlib import Path

from fastapi.testclient import TestClient
from sqlalchemy import Engine

from llm.fake_openai import FakeOpenAI, Scripted
from llm.harness import console_model, converse
from relaydesk.api.app import create_app
from relaydesk.assistant.engine import PackAssistant
from relaydesk.desk.handoff import summarize
from relaydesk.domain.agents import Role
from relaydesk.llm.handoff_note import HandoffWriter
from relaydesk.packs.paylater.claims import CLAIMS
from relaydesk.settings import Settings
from support.demo import assistant_on

ASK_FOR_PERSON = "I want to talk to a person about my order ORD-100001, I'm ann@example.com"


def writer(base_url: str) -> HandoffWriter:
    return HandoffWriter(
        console_model(base_url),
        summarize=summarize,
        claims=CLAIMS,  # the demo company's, as the app passes them from its assistant
    )


def note_json(summary: str, *replies: str) -> str:
    return json.dumps({"summary": summary, "replies": list(replies)})


def test_protocol_a_true_summary_and_replies_in_the_customers_language_reach_the_agent(
    demo_assistant: PackAssistant, backend: Engine, fake_openai: FakeOpenAI
) -> None:
    events = converse(demo_assistant, backend, ASK_FOR_PERSON).events
    fake_openai.script(
        note_json(
            "The customer asked for a person about order ORD-100001; nothing was done yet.",
            "Hi, I'm here to help with your order. What would you like to change?",
            "Hallo, ich helfe Ihnen gerne mit Ihrer Bestellung weiter.",
        )
    )
    note = writer(fake_openai.base_url).summarise(events)
    assert note.summary is not None and "ORD-100001" in note.summary
    assert note.suggested_replies == [
        "Hi, I'm here to help with your order. What would you like to change?"
    ]
    assert note.record["dropped_replies"] == ["wrong_language:de"]
    assert "ann@example.com" not in json.dumps(fake_openai.requests)


def test_protocol_a_summary_that_claims_an_unmade_refund_is_withheld(
    demo_assistant: PackAssistant, backend: Engine, fake_openai: FakeOpenAI
) -> None:
    events = converse(demo_assistant, backend, ASK_FOR_PERSON).events
    fake_openai.script(note_json("The order ORD-100001 has been refunded; just confirm it."))
    note = writer(fake_openai.base_url).summarise(events)
    assert note.summary is None
    assert note.record["llm_rejected"] == "unbacked_claim:request_refund"


def test_protocol_a_slow_or_broken_summary_leaves_the_structured_hand_off_alone(
    demo_assistant: PackAssistant, backend: Engine, fake_openai: FakeOpenAI
) -> None:
    events = converse(demo_assistant, backend, ASK_FOR_PERSON).events
    fake_openai.script(Scripted(note_json("late"), first_delay_s=3.0), "{not json")
    slow = writer(fake_openai.base_url)
    assert slow.summarise(events).record["reason"] == "first_token_timeout"
    broken = slow.summarise(events)
    assert broken.summary is None and broken.record["llm_rejected"] == "malformed_json"
    assert slow.model.stats.snapshot()["summary"]["unavailable"] == {"first_token_timeout": 1}


def test_protocol_the_agent_sees_the_models_checked_note_beside_the_structured_hand_off(
    demo_assistant: PackAssistant, backend: Engine, fake_openai: FakeOpenAI, tmp_path: Path
) -> None:
    settings = Settings(
        database_url=backend.url.render_as_string(hide_password=False),
        data_dir=tmp_path,
        environment="test",
        llm_base_url=fake_openai.base_url,
        llm_model="fake",
        llm_summary=True,
    )
    app = create_app(settings, assistant_on(demo_assistant, backend))
    with TestClient(app):
        services = app.state.services
        conversation = services.conversations.start_conversation(
            customer_ref="cust-alice", display_name="Alice", language="en"
        )
        services.conversations.receive_customer_message(conversation.id, ASK_FOR_PERSON, "k1")
        supervisor = services.agents.add_agent(
            email="sam@example.com",
            display_name="Sam",
            password="long enough",
            role=Role.SUPERVISOR,
        )
        fake_openai.script(
            note_json(
                "The customer asked for a person about order ORD-100001.",
                "Hi Alice, I'm here to help with order ORD-100001.",
            )
        )
        view = services.agent_work.open(conversation.id, supervisor)
        reopened = services.agent_work.open(conversation.id, supervisor)
        calls_before_news = len(fake_openai.requests)
        services.conversations.receive_customer_message(conversation.id, "still there?", "k2")
        fake_openai.script(note_json("The order ORD-100001 has been refunded; just confirm it."))
        after_news = services.agent_work.open(conversation.id, supervisor)
        notes = [
            e.data
            for e in services.store.events_after(conversation.id, 0, 500)
            if "handoff_note" in e.data
        ]
    # Each call is an event with its record; opening again with nothing new reuses the note.
    assert calls_before_news == 1
    assert reopened.model_note == view.model_note
    assert [n["llm"][0]["outcome"] for n in notes] == ["accepted", "rejected"]
    assert notes[1]["llm"][0]["llm_rejected"] == "unbacked_claim:request_refund"
    assert notes[0]["llm"][0]["total_ms"] > 0
    assert after_news.model_note is None  # the refused note is withheld from the agent
    assert view.model_note is not None
    assert view.model_note.summary == "The customer asked for a person about order ORD-100001."
    assert view.model_note.suggested_replies == [
        "Hi Alice, I'm here to help with order ORD-100001."
    ]
    assert view.handoff.reason == "asked_for_human"
