"""The database itself keeps events and the audit log append-only, on SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
from sqlalchemy import Engine, delete, insert, text, update
from sqlalchemy.exc import DBAPIError

from relaydesk.domain.model import EventKind, NewEvent, Source
from relaydesk.store.conversations import ConversationStore
from relaydesk.store.engine import make_engine
from relaydesk.store.migrate import upgrade
from relaydesk.store.tables import audit_log, events


@pytest.fixture
def engine(database_url: str) -> Iterator[Engine]:
    created = make_engine(database_url)
    upgrade(created)
    yield created
    created.dispose()


def stored_event_id(engine: Engine) -> str:
    store = ConversationStore(engine)
    customer = store.ensure_customer(None, "Ann", "en")
    conversation = store.create_conversation(customer.id, "web", "en")
    (event,) = store.append(
        conversation.id, [NewEvent(EventKind.MESSAGE, Source.CUSTOMER, text="my card 4111")]
    )
    return str(event.id)


def refused(engine: Engine, statement: object) -> None:
    with pytest.raises(DBAPIError, match="append-only"), engine.begin() as conn:
        conn.execute(statement)  # type: ignore[call-overload]


def test_an_event_cannot_be_deleted_or_made_to_say_someone_else_acted(engine: Engine) -> None:
    event_id = stored_event_id(engine)
    refused(engine, delete(events).where(events.c.id == event_id))
    refused(engine, update(events).where(events.c.id == event_id).values(source="agent"))
    refused(engine, update(events).where(events.c.id == event_id).values(kind="note"))
    refused(engine, update(events).where(events.c.id == event_id).values(actor_id="agt_x"))
    refused(engine, update(events).where(events.c.id == event_id).values(seq=99))
    with engine.connect() as conn:
        row = conn.execute(events.select().where(events.c.id == event_id)).one()
    assert (row.source, row.kind, row.seq, row.actor_id) == ("customer", "message", 1, None)


def test_erasure_may_still_redact_an_events_text_and_data(engine: Engine) -> None:
    event_id = stored_event_id(engine)
    with engine.begin() as conn:
        conn.execute(update(events).where(events.c.id == event_id).values(text="[erased]", data={}))
        assert (
            conn.execute(text("SELECT text FROM events WHERE id = :id"), {"id": event_id}).scalar()
            == "[erased]"
        )


def test_the_audit_log_refuses_updates_and_deletes(engine: Engine) -> None:
    with engine.begin() as conn:
        conn.execute(
            insert(audit_log).values(
                id="aud_1",
                at=datetime.now(UTC),
                actor_kind="admin",
                actor_id="agt_1",
                action="privacy.export",
                subject="cus_1",
                decision=None,
                details={},
            )
        )
    refused(engine, update(audit_log).values(action="nothing"))
    refused(engine, delete(audit_log))


def test_postgres_refuses_truncating_events_or_the_audit_log(engine: Engine) -> None:
    if engine.dialect.name != "postgresql":
        pytest.skip("TRUNCATE exists only on PostgreSQL; SQLite's DELETE is refused instead.")
    refused(engine, text("TRUNCATE events CASCADE"))
    refused(engine, text("TRUNCATE audit_log"))
