"""A customer's email data is exported with the rest of their data and erased with it."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import select

from relaydesk.channels.email.outbox import Outbox
from relaydesk.domain.model import Source
from relaydesk.security.privacy import Actor, PrivacyDesk
from relaydesk.store.conversations import ConversationStore
from relaydesk.store.tables import email_threads, webhook_deliveries
from relaydesk.webhooks.queueing import WebhookQueue
from relaydesk.webhooks.store import WebhookStore

from .helpers import email_conversation, email_store, say

OPERATOR = Actor("operator", "dpo")


@pytest.fixture
def store(database_url: str) -> Iterator[ConversationStore]:
    with email_store(database_url) as store:
        store.append_hooks.append(WebhookQueue())
        yield store


def test_erasure_removes_addresses_and_bodies_and_an_unsent_email_is_never_sent(
    store: ConversationStore,
) -> None:
    WebhookStore(store.engine).register("https://crm.example/hook", None, "", None)
    conversation, _ = email_conversation(store, "anna@mail.example")
    store.append(conversation.id, [say(Source.CUSTOMER, "My IBAN is on the way, Anna")])
    store.append(conversation.id, [say(Source.ASSISTANT, "Thanks Anna.")])

    exported = PrivacyDesk(store.engine).export("email:anna@mail.example", OPERATOR)
    assert exported["email"]["threads"][0]["address"] == "anna@mail.example"
    assert exported["email"]["sent"][0]["recipient"] == "anna@mail.example"

    PrivacyDesk(store.engine).erase("email:anna@mail.example", OPERATOR)
    (unsent,) = Outbox(store.engine).list(conversation.id)
    assert (unsent.status, unsent.recipient, unsent.body_text) == ("failed", "[erased]", "[erased]")
    with store.engine.begin() as conn:
        assert conn.execute(select(email_threads.c.address)).scalar() == "[erased]"
        payloads = conn.execute(select(webhook_deliveries.c.payload)).scalars().all()
    assert payloads and all("text" not in p["data"] for p in payloads)
    assert "Anna" not in str(payloads)
