"""A customer's message and the assistant's turn on it cost two transactions on the common
path, on SQLite and PostgreSQL alike (PostgreSQL's of one statement each), and publishing a
notification never waits for Redis."""

from __future__ import annotations

import time
import uuid
from collections.abc import Iterator
from typing import Any

import pytest
import redis
from sqlalchemy import Engine, event

from relaydesk.assistant.turn import AcknowledgingAssistant
from relaydesk.bus.memory import MemoryBus
from relaydesk.bus.redis import RedisBus
from relaydesk.desk.conversations import ConversationDesk
from relaydesk.security.transcripts import conversation_store
from relaydesk.store.engine import make_engine
from relaydesk.store.migrate import upgrade
from support.services import REDIS_URL, free_port, require_redis


class Counted:
    def __init__(self, engine: Engine) -> None:
        self.statements: list[str] = []
        self.transactions = 0
        event.listen(engine, "before_cursor_execute", self._statement)
        event.listen(engine, "begin", self._begin)

    def _statement(self, _conn: Any, _cursor: Any, sql: str, *_rest: Any) -> None:
        self.statements.append(sql.split()[0].upper())

    def _begin(self, _conn: Any) -> None:
        self.transactions += 1


@pytest.fixture
def desk(database_url: str) -> Iterator[tuple[ConversationDesk, Engine]]:
    engine = make_engine(database_url)
    upgrade(engine)
    yield (
        ConversationDesk(conversation_store(engine), MemoryBus(), AcknowledgingAssistant()),
        engine,
    )
    engine.dispose()


def test_a_message_and_its_answer_take_two_transactions_and_six_statements_or_two(
    desk: tuple[ConversationDesk, Engine],
) -> None:
    conversations, engine = desk
    conversation = conversations.start_conversation(
        customer_ref=None, display_name="Ann", language="en"
    )
    conversations.receive_customer_message(conversation.id, "hello", "first")
    counted = Counted(engine)
    receipt = conversations.receive_customer_message(conversation.id, "where is my order", "k")
    assert len(receipt.replies) == 1 and not receipt.duplicate
    assert counted.transactions == 2
    if engine.dialect.name == "postgresql":  # each transaction's statements merged in one
        assert counted.statements == ["WITH", "WITH"]
        return
    # message: seq, insert, customer, history; turn: seq with language, insert
    statements = [sql for sql in counted.statements if sql in ("UPDATE", "INSERT", "SELECT")]
    assert statements == ["UPDATE", "INSERT", "SELECT", "SELECT", "UPDATE", "INSERT"]


@pytest.mark.parametrize(
    ("customer_ref", "expected"),
    [(None, ["INSERT", "INSERT"]), ("cust-1", ["SELECT", "INSERT", "INSERT"])],
)
def test_starting_a_conversation_takes_one_transaction(
    desk: tuple[ConversationDesk, Engine], customer_ref: str | None, expected: list[str]
) -> None:
    conversations, engine = desk
    counted = Counted(engine)
    started = conversations.start_conversation(
        customer_ref=customer_ref, display_name="Ann", language="en"
    )
    assert counted.transactions == 1
    assert [sql for sql in counted.statements if sql in ("INSERT", "SELECT")] == expected
    # what it returns is what was stored, and a known customer is found again
    assert conversations.store.get_conversation(started.id) == started
    again = conversations.start_conversation(
        customer_ref=customer_ref, display_name="Ann", language="en"
    )
    assert (again.customer_id == started.customer_id) == (customer_ref is not None)


def test_the_turn_reads_the_history_up_to_the_message_from_the_same_transaction(
    desk: tuple[ConversationDesk, Engine],
) -> None:
    conversations, _engine = desk
    seen: list[list[str | None]] = []

    class Remembering(AcknowledgingAssistant):
        def take_turn(self, context: Any) -> Any:
            seen.append([past.text for past in context.history])
            return super().take_turn(context)

    conversations.assistant = Remembering()
    conversation = conversations.start_conversation(
        customer_ref=None, display_name="Ann", language="en"
    )
    conversations.receive_customer_message(conversation.id, "one", "1")
    conversations.receive_customer_message(conversation.id, "two", "2")
    assert seen[0] == ["one"]
    assert seen[1][0] == "one" and seen[1][-1] == "two" and len(seen[1]) == 3


def test_a_retried_key_replays_the_first_answer_and_stores_nothing(
    desk: tuple[ConversationDesk, Engine],
) -> None:
    conversations, _engine = desk
    conversation = conversations.start_conversation(
        customer_ref=None, display_name="Ann", language="en"
    )
    first = conversations.receive_customer_message(conversation.id, "hello", "same")
    again = conversations.receive_customer_message(conversation.id, "hello", "same")
    assert again.duplicate and again.message.id == first.message.id
    assert [reply.id for reply in again.replies] == [reply.id for reply in first.replies]
    assert conversations.store.count_events(conversation.id) == 2


def test_a_message_to_a_closed_conversation_reopens_it_and_is_answered(
    desk: tuple[ConversationDesk, Engine],
) -> None:
    conversations, _engine = desk
    conversation = conversations.start_conversation(
        customer_ref=None, display_name="Ann", language="en"
    )
    conversations.close_by_customer(conversation.id)
    receipt = conversations.receive_customer_message(conversation.id, "one more thing", "k")
    assert len(receipt.replies) == 1
    kinds = [e.kind.value for e in conversations.store.events_after(conversation.id, 0)]
    assert kinds == ["owner_changed", "owner_changed", "message", "message"]


def test_publishing_does_not_wait_for_redis_even_when_it_is_unreachable() -> None:
    bus = RedisBus(f"redis://127.0.0.1:{free_port()}/0")  # nothing listens there
    started = time.perf_counter()
    for number in range(200):
        bus.publish("conversation:x", {"n": number})
    assert time.perf_counter() - started < 0.5
    bus.close()


def test_notifications_queued_before_close_are_still_sent_in_order() -> None:
    require_redis()
    prefix = f"relaydesk-test-{uuid.uuid4().hex[:8]}:"
    listener = redis.Redis.from_url(REDIS_URL)
    pubsub = listener.pubsub()
    pubsub.subscribe(prefix + "conversation:a")
    pubsub.get_message(timeout=1)  # the subscription's confirmation
    bus = RedisBus(REDIS_URL, prefix=prefix)
    for number in range(5):
        bus.publish("conversation:a", {"n": number})
    bus.close()
    received = []
    deadline = time.monotonic() + 5
    while len(received) < 5 and time.monotonic() < deadline:
        message = pubsub.get_message(timeout=0.5)
        if message and message["type"] == "message":
            received.append(message["data"])
    pubsub.close()
    listener.close()
    assert received == [f'{{"n": {number}}}'.encode() for number in range(5)]
