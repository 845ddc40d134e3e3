"""On PostgreSQL a message, or a turn's events, is one statement; when no append hook will
write for it, that statement commits alone (autocommit: no BEGIN, no COMMIT). A hook that
may write keeps the transaction, so what it queues commits with the events or not at all."""

from collections.abc import Iterator, Sequence
from typing import Any

import pytest
from sqlalchemy import Connection, Engine, event, insert, select

from relaydesk.channels.email.effects import EmailEffects, EmailIdentity
from relaydesk.domain.message_payloads import FollowUpAsked
from relaydesk.domain.model import ConversationId, Event, EventKind, NewEvent, Source
from relaydesk.store.conversations import ConversationStore, DuplicateKey, utcnow
from relaydesk.store.hooks import QuietHook
from relaydesk.store.tables import webhook_deliveries, webhook_endpoints
from relaydesk.webhooks.queueing import WebhookQueue


def say(text: str, source: Source = Source.CUSTOMER) -> NewEvent:
    return NewEvent(kind=EventKind.MESSAGE, source=source, text=text)


class Recorder:
    """A hook that records what it is given; quiet or not as told."""

    def __init__(self, quiet: bool) -> None:
        self.quiet = quiet
        self.seen: list[list[str | None]] = []

    def writes_nothing_for(self, new_events: Sequence[NewEvent]) -> bool:
        return self.quiet

    def __call__(self, conn: Connection, events: Sequence[Event]) -> None:
        self.seen.append([e.text for e in events])


@pytest.fixture
def autocommits(store: ConversationStore) -> Iterator[list[bool]]:
    """For each statement the store sends, whether its connection was in autocommit."""
    seen: list[bool] = []

    def record(conn: Any, *_rest: Any) -> None:
        # `is True`: Python 3.12's sqlite3 has an autocommit attribute whose default, -1
        # (legacy transaction control), is truthy
        seen.append(getattr(conn.connection.dbapi_connection, "autocommit", False) is True)

    event.listen(store.engine, "before_cursor_execute", record)
    yield seen
    event.remove(store.engine, "before_cursor_execute", record)


def new_conversation(store: ConversationStore) -> ConversationId:
    customer = store.ensure_customer("cust-9", "Bo", "en")
    return store.create_conversation(customer.id, "web", "en").id


def on_postgresql(engine: Engine) -> bool:
    return engine.dialect.name == "postgresql"


def test_with_quiet_hooks_each_write_commits_alone_on_postgresql(
    store: ConversationStore, autocommits: list[bool]
) -> None:
    quiet = Recorder(quiet=True)
    store.append_hooks.append(quiet)
    conversation_id = new_conversation(store)
    autocommits.clear()
    stored = store.append_customer_message(conversation_id, say("hi"), "k1", history_window=5)
    store.append(conversation_id, [say("hello", Source.ASSISTANT)])
    assert stored is not None
    # SQLite keeps its transactions (its writes are several statements)
    assert autocommits == ([True, True] if on_postgresql(store.engine) else [False] * 6)
    assert quiet.seen == ([] if on_postgresql(store.engine) else [["hi"], ["hello"]])
    texts = [e.text for e in store.events_after(conversation_id, 0)]
    assert texts == ["hi", "hello"]


def test_a_hook_that_may_write_keeps_the_transaction(
    store: ConversationStore, autocommits: list[bool]
) -> None:
    store.append_hooks.extend([Recorder(quiet=True), loud := Recorder(quiet=False)])
    conversation_id = new_conversation(store)
    autocommits.clear()
    store.append_customer_message(conversation_id, say("hi"), "k1", history_window=5)
    store.append(conversation_id, [say("hello", Source.ASSISTANT)])
    assert loud.seen == [["hi"], ["hello"]]
    assert autocommits and not any(autocommits)


def test_a_reused_key_stores_nothing_when_the_message_commits_alone(
    store: ConversationStore,
) -> None:
    conversation_id = new_conversation(store)
    store.append_customer_message(conversation_id, say("hi"), "k1", history_window=5)
    with pytest.raises(DuplicateKey):
        store.append_customer_message(conversation_id, say("again"), "k1", history_window=5)
    assert [e.text for e in store.events_after(conversation_id, 0)] == ["hi"]
    assert store.get_conversation(conversation_id).last_seq == 1
    follow = store.append_customer_message(conversation_id, say("next"), "k2", history_window=5)
    assert follow is not None and follow.message.seq == 2


def test_webhooks_are_quiet_only_while_they_know_no_endpoint_is_active(
    store: ConversationStore,
) -> None:
    queue = WebhookQueue()
    store.append_hooks.append(queue)
    assert isinstance(queue, QuietHook)
    assert not queue.writes_nothing_for([say("hi")])  # never read: it must look
    conversation_id = new_conversation(store)
    store.append(conversation_id, [say("hi")])
    assert queue.writes_nothing_for([say("hi")])  # read just now: none active
    with store.engine.begin() as conn:
        conn.execute(insert(webhook_endpoints).values(
            id="whe_1", url="http://127.0.0.1:9/hook", secret="s" * 32,
            event_types=["message.created"], description="", active=True, created_at=utcnow(),
        ))  # fmt: skip
    queue.refresh()  # as the API does when an endpoint is added
    assert not queue.writes_nothing_for([say("hi")])
    store.append(conversation_id, [say("answer", Source.ASSISTANT)])
    assert not queue.writes_nothing_for([say("hi")])  # one is active now
    with store.engine.connect() as conn:
        queued = conn.execute(select(webhook_deliveries.c.endpoint_id)).scalars().all()
    assert queued == ["whe_1"]


def test_email_effects_are_quiet_only_for_a_customers_messages() -> None:
    effects = EmailEffects(EmailIdentity("help@shop.example", "Shop", "Shop", {}))
    assert effects.writes_nothing_for([say("hi")])
    assert not effects.writes_nothing_for([say("hello", Source.ASSISTANT)])
    assert not effects.writes_nothing_for([say("hi"), say("hello", Source.AGENT)])
    assert not effects.writes_nothing_for([FollowUpAsked("bo@example.com").event("mail me")])
