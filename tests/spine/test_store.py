import time
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import event, insert
from tests.support.services import postgres_schema

from relaydesk.domain.errors import Conflict, ConversationErased, NotFound
from relaydesk.domain.model import ConversationId, EventKind, NewEvent, Owner, Source
from relaydesk.domain.ownership import Transition, apply_transition
from relaydesk.store.conversations import ConversationStore, DuplicateKey
from relaydesk.store.engine import make_engine
from relaydesk.store.migrate import upgrade
from relaydesk.store.revocations import revoke_conversations
from relaydesk.store.tables import customers, metadata


def say(text: str) -> NewEvent:
    return NewEvent(kind=EventKind.MESSAGE, source=Source.CUSTOMER, text=text)


def test_migrations_create_exactly_the_declared_schema(store: ConversationStore) -> None:
    with store.engine.connect() as conn:
        assert compare_metadata(MigrationContext.configure(conn), metadata) == []


def test_events_get_consecutive_sequence_numbers(store: ConversationStore) -> None:
    customer = store.ensure_customer(None, "Ann", "en")
    conversation = store.create_conversation(customer.id, "web", "en")
    store.append(conversation.id, [say("one"), say("two")])
    store.append(conversation.id, [say("three")])
    events = store.events_after(conversation.id, 0)
    assert [(e.seq, e.text) for e in events] == [(1, "one"), (2, "two"), (3, "three")]
    assert [e.text for e in store.events_after(conversation.id, 2)] == ["three"]


def test_a_reused_idempotency_key_stores_nothing_twice(store: ConversationStore) -> None:
    customer = store.ensure_customer(None, "Ann", "en")
    conversation = store.create_conversation(customer.id, "web", "en")
    store.append(conversation.id, [say("hello")], idempotency_key="k1")
    with pytest.raises(DuplicateKey):
        store.append(conversation.id, [say("hello")], idempotency_key="k1")
    assert store.count_events(conversation.id) == 1


def test_concurrent_appends_never_share_a_sequence_number(store: ConversationStore) -> None:
    customer = store.ensure_customer(None, "Ann", "en")
    conversation = store.create_conversation(customer.id, "web", "en")
    with ThreadPoolExecutor(8) as pool:
        list(pool.map(lambda i: store.append(conversation.id, [say(str(i))]), range(40)))
    seqs = [event.seq for event in store.events_after(conversation.id, 0)]
    assert seqs == list(range(1, 41))


def test_an_owner_change_is_a_compare_and_set(store: ConversationStore) -> None:
    customer = store.ensure_customer(None, "Ann", "en")
    conversation = store.create_conversation(customer.id, "web", "en")
    change = apply_transition(Owner.ASSISTANT, Transition.ESCALATE)
    store.append(conversation.id, [say("escalated")], owner_change=(change, conversation.version))
    with pytest.raises(Conflict):
        store.append(conversation.id, [say("again")], owner_change=(change, conversation.version))
    after = store.get_conversation(conversation.id)
    assert after.owner is Owner.QUEUED
    assert [e.text for e in store.events_after(conversation.id, 0)] == ["escalated"]


def test_a_customer_reference_finds_the_same_customer(store: ConversationStore) -> None:
    first = store.ensure_customer("shop-42", "Ann", "en")
    again = store.ensure_customer("shop-42", "Ann B.", "sv")
    assert first.id == again.id


def test_two_first_visits_at_once_share_one_customer() -> None:
    # On PostgreSQL a visit cannot see another's customer row before it commits; the later
    # insert waits on the unique reference and then finds the row instead of failing.
    with postgres_schema() as url:
        engine = make_engine(url)
        upgrade(engine)
        store = ConversationStore(engine)
        pool = ThreadPoolExecutor(1)
        try:
            with engine.begin() as first_visit:
                first_visit.execute(
                    insert(customers).values(
                        id="cus_first",
                        display_name="Ann",
                        language="en",
                        external_ref="shop-7",
                        created_at=datetime.now(UTC),
                    )
                )
                later_visit = pool.submit(store.open_conversation, "shop-7", "Ann", "en", "web")
                time.sleep(0.3)
                assert not later_visit.done()  # waiting for the first visit to commit
            conversation = later_visit.result(timeout=10)
        finally:
            pool.shutdown()
            engine.dispose()
    assert conversation.customer_id == "cus_first"


def test_an_unknown_conversation_is_not_found(store: ConversationStore) -> None:
    with pytest.raises(NotFound):
        store.events_after(ConversationId("conv_missing"), 0)


@pytest.mark.parametrize("closed", [False, True], ids=["open", "closed"])
def test_an_erased_conversation_refuses_a_customers_message_in_the_writing_transaction(
    store: ConversationStore, closed: bool
) -> None:
    customer = store.ensure_customer(None, "Ann", "en")
    conversation = store.create_conversation(customer.id, "web", "en")
    if closed:
        change = apply_transition(Owner.ASSISTANT, Transition.CLOSE)
        store.append(conversation.id, [change.event(Source.SYSTEM)], owner_change=(change, 0))
    with store.engine.begin() as conn:
        revoke_conversations(conn, [conversation.id], "erased", datetime.now(UTC))
    before = store.count_events(conversation.id)
    with pytest.raises(ConversationErased):
        store.append_customer_message(conversation.id, say("hi"), "k1", 10, refuse_erased=True)
    assert store.count_events(conversation.id) == before
    assert store.get_conversation(conversation.id).last_seq == before
    if not closed:  # a caller that does not ask (the email channel) writes as before
        assert store.append_customer_message(conversation.id, say("hi"), "k1", 10) is not None


def test_a_customers_message_and_its_history_are_read_before_the_connection_goes_back(
    database_url: str,
) -> None:
    # A row fetched after the transaction reads a connection that another thread may hold:
    # here every connection is closed as it is returned, so such a read fails at once.
    engine = make_engine(database_url)
    upgrade(engine)
    event.listen(engine, "checkin", lambda _dbapi, record: record.invalidate())
    try:
        store = ConversationStore(engine)
        customer = store.ensure_customer(None, "Ann", "en")
        conversation = store.create_conversation(customer.id, "web", "en")
        store.append(conversation.id, [say("first"), say("second")])
        stored = store.append_customer_message(conversation.id, say("third"), "k3", 10)
        assert stored is not None
        assert [past.text for past in stored.history] == ["first", "second", "third"]
    finally:
        engine.dispose()
