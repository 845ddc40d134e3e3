"""Webhooks: queued with the events, signed, delivered in order, retried, logged."""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest

from relaydesk.domain.model import EventKind, NewEvent, Owner, Source
from relaydesk.domain.ownership import Transition, apply_transition
from relaydesk.store.conversations import ConversationStore
from relaydesk.store.engine import make_engine
from relaydesk.store.migrate import upgrade
from relaydesk.webhooks.dispatcher import WebhookDispatcher
from relaydesk.webhooks.queueing import WebhookQueue
from relaydesk.webhooks.signing import SIGNATURE_HEADER, sign, verify
from relaydesk.webhooks.store import WebhookEndpoint, WebhookStore
from support.receiver import WebhookReceiver


@pytest.fixture
def store(database_url: str) -> Iterator[ConversationStore]:
    engine = make_engine(database_url)
    upgrade(engine)
    store = ConversationStore(engine)
    store.append_hooks.append(WebhookQueue())
    yield store
    engine.dispose()


def say(source: Source, text: str) -> NewEvent:
    return NewEvent(kind=EventKind.MESSAGE, source=source, text=text)


def a_whole_conversation(store: ConversationStore) -> str:
    """Started, messages, a hand-over, an approval, a close and a rating."""
    customer = store.ensure_customer(None, "Ann", "en")
    conversation = store.create_conversation(customer.id, "web", "en")
    store.append(conversation.id, [say(Source.CUSTOMER, "hi"), say(Source.ASSISTANT, "Hello!")])
    escalate = apply_transition(Owner.ASSISTANT, Transition.ESCALATE)
    handed = NewEvent(
        kind=EventKind.OWNER_CHANGED,
        source=Source.ASSISTANT,
        data={"transition": "escalate", "from": "assistant", "to": "queued", "reason": "asked"},
    )
    store.append(conversation.id, [handed], owner_change=(escalate, 0))
    internal = NewEvent(kind=EventKind.NOTE, source=Source.AGENT, text="internal note")
    decided = NewEvent(
        kind=EventKind.APPROVAL,
        source=Source.AGENT,
        data={"approval_id": "apr_1", "status": "approved", "tool": "refund", "decided_by": "a"},
    )
    store.append(conversation.id, [internal, decided])
    close = apply_transition(Owner.QUEUED, Transition.CLOSE)
    closed = NewEvent(
        kind=EventKind.OWNER_CHANGED,
        source=Source.SYSTEM,
        data={"transition": "close", "from": "queued", "to": "closed", "disposition": "resolved"},
    )
    store.append(conversation.id, [closed], owner_change=(close, 1))
    rated = NewEvent(kind=EventKind.CSAT_RATING, source=Source.CUSTOMER, data={"csat": 5})
    store.append(conversation.id, [rated])
    return conversation.id


EXPECTED_TYPES = [
    "conversation.started",
    "message.created",
    "message.created",
    "conversation.handed_off",
    "approval.decided",
    "conversation.closed",
    "conversation.rated",
]


def deliver_all(webhooks: WebhookStore, timeout: float = 20.0) -> None:
    dispatcher = WebhookDispatcher(webhooks, timeout_s=2)
    try:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            dispatcher.deliver_due()
            if all(d.status == "delivered" for d in webhooks.deliveries()):
                return
            time.sleep(0.05)
    finally:
        dispatcher.close()


def test_a_signature_verifies_only_for_its_body_secret_and_time() -> None:
    header = sign("whsec_1", b'{"a":1}', timestamp=1_000)
    assert verify("whsec_1", b'{"a":1}', header, now=1_010)
    assert not verify("whsec_1", b'{"a":2}', header, now=1_010)
    assert not verify("whsec_2", b'{"a":1}', header, now=1_010)
    assert not verify("whsec_1", b'{"a":1}', header, now=2_000)
    assert not verify("whsec_1", b'{"a":1}', "v1=deadbeef", now=1_010)


def test_a_conversation_is_delivered_once_in_order_and_signed(
    store: ConversationStore, receiver: WebhookReceiver
) -> None:
    webhooks = WebhookStore(store.engine, first_retry_s=0.05)
    endpoint = webhooks.register(receiver.url, None, "CRM", None)
    conversation_id = a_whole_conversation(store)
    deliver_all(webhooks)

    payloads = [item.payload for item in receiver.received]
    assert [p["type"] for p in payloads] == EXPECTED_TYPES
    assert {p["conversation_id"] for p in payloads} == {conversation_id}
    assert payloads[1]["data"] == {"source": "customer", "text": "hi"}
    assert payloads[4]["data"]["status"] == "approved"
    assert payloads[6]["data"] == {"score": 5, "comment": None}
    assert all(valid_signature(endpoint, item.headers, item.body) for item in receiver.received)


def valid_signature(endpoint: WebhookEndpoint, headers: dict[str, str], body: bytes) -> bool:
    return verify(endpoint.secret, body, headers[SIGNATURE_HEADER])


def test_an_endpoint_hears_only_the_event_types_it_chose(
    store: ConversationStore, receiver: WebhookReceiver
) -> None:
    webhooks = WebhookStore(store.engine)
    webhooks.register(receiver.url, ["conversation.closed", "conversation.rated"], "", None)
    a_whole_conversation(store)
    deliver_all(webhooks)
    assert [r.payload["type"] for r in receiver.received] == [
        "conversation.closed",
        "conversation.rated",
    ]


def test_a_receiver_that_is_down_gets_everything_later_in_order_and_the_log_says_so(
    store: ConversationStore,
) -> None:
    receiver = WebhookReceiver()  # not started: nobody listens on its port yet
    # Long enough that the first pass cannot reach the retry on a slow machine.
    webhooks = WebhookStore(store.engine, first_retry_s=1.0)
    webhooks.register(receiver.url, None, "", None)
    a_whole_conversation(store)
    dispatcher = WebhookDispatcher(webhooks, timeout_s=1)
    assert dispatcher.deliver_due() == 0
    dispatcher.close()
    first = min(webhooks.deliveries(), key=lambda d: d.position)
    assert (first.status, first.attempts) == ("queued", 1)
    assert "ConnectError" in (first.last_error or "")
    assert all(d.attempts == 0 for d in webhooks.deliveries() if d.id != first.id)

    receiver.start()
    try:
        deliver_all(webhooks)
    finally:
        receiver.stop()
    assert [r.payload["type"] for r in receiver.received] == EXPECTED_TYPES


def test_an_unknown_event_type_or_a_bad_url_is_refused(store: ConversationStore) -> None:
    from relaydesk.domain.errors import InvalidInput

    webhooks = WebhookStore(store.engine)
    with pytest.raises(InvalidInput, match=r"conversation\.exploded"):
        webhooks.register("https://crm.example/hook", ["conversation.exploded"], "", None)
    with pytest.raises(InvalidInput, match="https://"):
        webhooks.register("ftp://crm.example/hook", None, "", None)
