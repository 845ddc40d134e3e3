"""With a model's summary role on, its checked reply suggestions are one-click drafts."""

from __future__ import annotations

import html
import json
from pathlib import Path

from agents.helpers import PASSWORD
from agents.test_console_pages import sign_in
from llm.fake_openai import FakeOpenAI
from llm.test_llm_translation_protocol import console
from relaydesk.api.app import Services
from relaydesk.domain.agents import Role
from relaydesk.domain.model import EventKind, Source

DRAFT = "Hi Ann, I can help you change the delivery address of your order."


def test_protocol_the_models_suggested_reply_becomes_a_draft_the_agent_edits_and_sends(
    fake_openai: FakeOpenAI, tmp_path: Path
) -> None:
    with console(tmp_path, fake_openai.base_url, llm_translation=False, llm_summary=True) as client:
        services: Services = client.app.state.services  # type: ignore[attr-defined]
        conversation = services.conversations.start_conversation(
            customer_ref="cust-ann", display_name="Ann", language="en"
        )
        services.conversations.receive_customer_message(
            conversation.id, "I need to change the delivery address of my order", "k1"
        )
        services.agents.add_agent(
            email="sam@example.com", display_name="Sam", password=PASSWORD, role=Role.SUPERVISOR
        )
        token = sign_in(client, "sam@example.com")
        fake_openai.script(
            json.dumps({"summary": "The customer wants a new address.", "replies": [DRAFT]})
        )
        page = client.get(f"/console/conversations/{conversation.id}").text
        sent_before = [
            e
            for e in services.store.events_after(conversation.id, 0, 100)
            if e.source is Source.AGENT
        ]
        edited = DRAFT + " Which address should it go to?"
        client.post(
            f"/console/conversations/{conversation.id}/reply",
            data={"csrf_token": token, "text": edited, "idempotency_key": "r1"},
        )
        messages = [
            e.text
            for e in services.store.events_after(conversation.id, 0, 100)
            if e.kind is EventKind.MESSAGE and e.source is Source.AGENT
        ]

    assert f'class="use-draft" data-draft="{html.escape(DRAFT)}"' in page
    assert sent_before == []  # a draft is never sent by itself
    assert messages == [edited]  # the agent sends, after editing
