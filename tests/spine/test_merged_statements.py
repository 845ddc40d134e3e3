"""A message and a turn's events come out the same on both databases, though PostgreSQL
stores each in one statement (merged_statements.py; counted in
tests/throughput/test_round_trips.py)."""

import time
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime

import pytest
from sqlalchemy import Connection, insert, update

from relaydesk.domain.errors import NotFound
from relaydesk.domain.model import ConversationId, Event, EventKind, NewEvent, Source
from relaydesk.store.conversations import ConversationStore, DuplicateKey
from relaydesk.store.merged_statements import MOST_EVENTS_IN_ONE
from relaydesk.store.tables import conversations, events


def say(text: str, source: Source = Source.CUSTOMER) -> NewEvent:
    return NewEvent(kind=EventKind.MESSAGE, source=source, text=text, data={"n": text})


def new_conversation(store: ConversationStore) -> ConversationId:
    customer = store.ensure_customer("cust-7", "Ann", "en")
    return store.create_conversation(customer.id, "web", "en").id


def test_a_message_is_stored_with_its_conversation_customer_and_history(
    store: ConversationStore,
) -> None:
    conversation_id = new_conversation(store)
    store.append(conversation_id, [say(f"before {n}") for n in range(5)])
    stored = store.append_customer_message(conversation_id, say("now"), "k1", history_window=2)
    assert stored is not None
    message = stored.message
    assert (message.seq, message.text, message.data) == (6, "now", {"n": "now"})
    assert stored.conversation.last_seq == 6
    assert (stored.customer.display_name, stored.customer.external_ref) == ("Ann", "cust-7")
    assert [past.seq for past in stored.history] == [4, 5, 6]
    assert store.events_after(conversation_id, 5) == [stored.message]


def test_a_first_message_has_only_itself_as_history(store: ConversationStore) -> None:
    conversation_id = new_conversation(store)
    stored = store.append_customer_message(conversation_id, say("hi"), "k1", history_window=10)
    assert stored is not None
    assert [past.text for past in stored.history] == ["hi"]


def test_a_message_that_waited_for_another_write_has_it_in_its_history(
    store: ConversationStore,
) -> None:
    # Another tab's message holds the conversation's row: the waiting message's statement
    # began before that one committed, yet its history must include it.
    conversation_id = new_conversation(store)
    store.append(conversation_id, [say("first")])
    pool = ThreadPoolExecutor(1)
    try:
        with store.engine.begin() as other_tab:
            taken = conversations.c.id == conversation_id
            other_tab.execute(update(conversations).where(taken).values(last_seq=2))
            other_tab.execute(
                insert(events).values(
                    id="evt_other_tab",
                    conversation_id=conversation_id,
                    seq=2,
                    kind=EventKind.MESSAGE.value,
                    source=Source.CUSTOMER.value,
                    text="from the other tab",
                    data={},
                    created_at=datetime.now(UTC),
                )
            )
            waiting = pool.submit(
                store.append_customer_message, conversation_id, say("third"), "k3", 10
            )
            time.sleep(0.3)
            assert not waiting.done()  # waiting for the other tab's write
        stored = waiting.result(timeout=10)
    finally:
        pool.shutdown()
    assert stored is not None
    assert [(past.seq, past.text) for past in stored.history] == [
        (1, "first"),
        (2, "from the other tab"),
        (3, "third"),
    ]


def test_a_message_to_a_missing_conversation_stores_nothing(store: ConversationStore) -> None:
    missing = ConversationId("conv_missing")
    assert store.append_customer_message(missing, say("hi"), "k1", history_window=10) is None


@pytest.mark.parametrize("count", [1, 3, MOST_EVENTS_IN_ONE, MOST_EVENTS_IN_ONE + 2])
def test_a_turns_events_take_consecutive_seqs_and_the_key_lands_on_the_first(
    store: ConversationStore, count: int
) -> None:
    conversation_id = new_conversation(store)
    store.append(conversation_id, [say("hello")])
    replies = [say(f"reply {n}", Source.ASSISTANT) for n in range(count)]
    stored = store.append(conversation_id, replies, idempotency_key="turn:1", language="sv")
    assert [e.seq for e in stored] == list(range(2, count + 2))
    assert store.events_after(conversation_id, 1) == stored
    assert [e.text for e in stored] == [r.text for r in replies]
    assert store.get_conversation(conversation_id).language == "sv"
    assert store.get_conversation(conversation_id).last_seq == count + 1
    assert store.find_by_key(conversation_id, "turn:1") == stored[0]
    with pytest.raises(DuplicateKey):
        store.append(conversation_id, replies, idempotency_key="turn:1")
    assert store.get_conversation(conversation_id).last_seq == count + 1


def test_events_for_a_missing_conversation_are_not_found(store: ConversationStore) -> None:
    with pytest.raises(NotFound):
        store.append(ConversationId("conv_missing"), [say("a"), say("b")])


def test_the_hooks_see_what_was_stored_in_its_transaction(store: ConversationStore) -> None:
    conversation_id = new_conversation(store)
    seen: list[list[int]] = []

    def hook(conn: Connection, events: Sequence[Event]) -> None:
        seen.append([e.seq for e in events])
        if events[0].text == "refused":
            raise RuntimeError("the hook failed")

    store.append_hooks.append(hook)
    stored = store.append_customer_message(conversation_id, say("hi"), "k1", history_window=5)
    assert stored is not None
    store.append(conversation_id, [say("a", Source.ASSISTANT), say("b", Source.ASSISTANT)])
    with pytest.raises(RuntimeError):
        store.append_customer_message(conversation_id, say("refused"), "k2", history_window=5)
    with pytest.raises(RuntimeError):
        store.append(conversation_id, [say("refused", Source.ASSISTANT)])
    assert seen == [[1], [2, 3], [4], [4]]
    assert [e.text for e in store.events_after(conversation_id, 0)] == ["hi", "a", "b"]
    assert store.get_conversation(conversation_id).last_seq == 3
