"""Closing a conversation masks the payloads of its webhook deliveries as the transcript policy
masks its events, in the close's own transaction; a delivery still waiting is delivered as
written and masked once it is delivered or given up."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import Connection, select

from relaydesk.domain.model import ConversationId, Owner, Source
from relaydesk.domain.ownership import Transition, apply_transition
from relaydesk.security.transcripts import conversation_store, masked_on_close
from relaydesk.store.conversations import ConversationStore
from relaydesk.store.engine import make_engine
from relaydesk.store.migrate import upgrade
from relaydesk.store.tables import webhook_deliveries
from relaydesk.webhooks.dispatcher import WebhookDispatcher
from relaydesk.webhooks.queueing import WebhookQueue
from relaydesk.webhooks.store import WebhookStore
from support.receiver import WebhookReceiver
from support.services import free_port

from .helpers import say

ANNA = "anna@mail.example"
PHONE = "+46 70 123 45 67"
WRITTEN = f"Write to {ANNA} or call {PHONE}"
MASKED = "Write to [email] or call [phone]"


@pytest.fixture
def store(database_url: str) -> Iterator[ConversationStore]:
    engine = make_engine(database_url)
    upgrade(engine)
    store = conversation_store(engine, "mask_sensitive")
    store.append_hooks.append(WebhookQueue())
    yield store
    engine.dispose()


@pytest.fixture
def webhooks(store: ConversationStore, receiver: WebhookReceiver) -> WebhookStore:
    """One endpoint that answers and one nobody listens on: given up after one attempt."""
    webhooks = WebhookStore(
        store.engine, max_attempts=1, mask_on_close=masked_on_close("mask_sensitive")
    )
    webhooks.register(receiver.url, None, "CRM", None)
    webhooks.register(f"http://127.0.0.1:{free_port()}/hooks", None, "Down", None)
    return webhooks


def move(store: ConversationStore, conversation_id: ConversationId, step: Transition) -> None:
    conversation = store.get_conversation(conversation_id)
    change = apply_transition(conversation.owner, step)
    store.append(
        conversation_id,
        [change.event(Source.SYSTEM)],
        owner_change=(change, conversation.version),
    )


def anna_writes(store: ConversationStore) -> ConversationId:
    customer = store.ensure_customer(None, "Anna", "en")
    conversation = store.create_conversation(customer.id, "web", "en")
    store.append(conversation.id, [say(Source.CUSTOMER, WRITTEN)])
    return conversation.id


def deliver(webhooks: WebhookStore) -> None:
    dispatcher = WebhookDispatcher(webhooks, timeout_s=2)
    try:
        dispatcher.deliver_due()
    finally:
        dispatcher.close()


def stored_texts(webhooks: WebhookStore) -> dict[str, str]:
    """Each message delivery's stored text, by status."""
    return {
        delivery.status: delivery.payload["data"]["text"]
        for delivery in webhooks.deliveries()
        if delivery.event_type == "message.created"
    }


def test_closing_masks_addresses_and_phone_numbers_in_delivered_and_given_up_payloads(
    store: ConversationStore, webhooks: WebhookStore
) -> None:
    conversation_id = anna_writes(store)
    deliver(webhooks)
    assert stored_texts(webhooks) == {"delivered": WRITTEN, "failed": WRITTEN}  # still open

    move(store, conversation_id, Transition.CLOSE)

    assert stored_texts(webhooks) == {"delivered": MASKED, "failed": MASKED}
    delivered = [d for d in webhooks.deliveries() if d.status == "delivered"]
    assert {d.payload["conversation_id"] for d in delivered} == {conversation_id}
    assert all(d.payload["id"] == d.id for d in delivered)


def test_a_delivery_waiting_at_the_close_is_delivered_as_written_and_masked_right_after(
    store: ConversationStore, webhooks: WebhookStore, receiver: WebhookReceiver
) -> None:
    conversation_id = anna_writes(store)
    move(store, conversation_id, Transition.CLOSE)
    assert stored_texts(webhooks) == {"queued": WRITTEN}

    deliver(webhooks)

    (sent,) = [r.payload for r in receiver.received if r.payload["type"] == "message.created"]
    assert sent["data"]["text"] == WRITTEN
    assert stored_texts(webhooks) == {"delivered": MASKED, "failed": MASKED}


def test_a_conversation_reopened_keeps_what_it_delivers_until_it_closes_again(
    store: ConversationStore, webhooks: WebhookStore
) -> None:
    conversation_id = anna_writes(store)
    move(store, conversation_id, Transition.CLOSE)
    move(store, conversation_id, Transition.REOPEN)
    deliver(webhooks)
    assert stored_texts(webhooks) == {"delivered": WRITTEN, "failed": WRITTEN}

    move(store, conversation_id, Transition.CLOSE)

    assert stored_texts(webhooks) == {"delivered": MASKED, "failed": MASKED}


def test_the_masking_is_part_of_the_close_and_undone_with_it(
    store: ConversationStore, webhooks: WebhookStore
) -> None:
    conversation_id = anna_writes(store)
    deliver(webhooks)
    seen_in_the_close: list[Any] = []

    def later_step_fails(conn: Connection, _: ConversationId) -> None:
        seen_in_the_close.extend(
            payload["data"].get("text")
            for payload in conn.execute(select(webhook_deliveries.c.payload)).scalars()
        )
        raise RuntimeError("crash after the masking")

    store.close_hooks.append(later_step_fails)
    with pytest.raises(RuntimeError):
        move(store, conversation_id, Transition.CLOSE)

    assert MASKED in seen_in_the_close and WRITTEN not in seen_in_the_close
    assert store.get_conversation(conversation_id).owner is Owner.ASSISTANT
    assert stored_texts(webhooks) == {"delivered": WRITTEN, "failed": WRITTEN}
