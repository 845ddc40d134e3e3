"""Migration 0009 gives stored `signal` events their own kinds and takes them back, on SQLite
and PostgreSQL, with events still append-only afterwards."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import pytest
from alembic import command
from sqlalchemy import Engine, insert, select, update
from sqlalchemy.exc import DBAPIError

from relaydesk.domain.model import ConversationId, EventId, EventKind
from relaydesk.domain.model_notes import HandoffNoted, Translated
from relaydesk.domain.payloads import CsatRated
from relaydesk.domain.turn_payloads import AssistantTurn, KeyClaimed
from relaydesk.store.conversations import ConversationStore
from relaydesk.store.engine import make_engine
from relaydesk.store.migrate import alembic_config, upgrade
from relaydesk.store.tables import events

BEFORE = "0008_failed_attempts"

# What each producer stored as a signal before 0009, and the kind it is now.
SIGNALS: list[tuple[str, dict[str, Any], EventKind]] = [
    ("assistant", {"intent": "refund", "confidence": 0.9, "dialogue": {}},
     EventKind.ASSISTANT_TURN),
    ("customer", {"csat": 4, "comment": "quick", "close_seq": 3}, EventKind.CSAT_RATING),
    ("system", {"handoff_note": {"summary": "s", "replies": []}, "llm": [], "through_seq": 2},
     EventKind.HANDOFF_NOTE),
    ("system", {"translation": {"of_seq": 1, "from": "de", "to": "en", "text": "hi"}, "llm": []},
     EventKind.TRANSLATION),
    ("system", {"claimed": "confirm:abc", "by_message": "evt_1"}, EventKind.KEY_CLAIMED),
    ("assistant", {"intent": None, "llm": [{"outcome": "ok"}]}, EventKind.ASSISTANT_TURN),
]  # fmt: skip


@pytest.fixture
def engine(database_url: str) -> Iterator[Engine]:
    created = make_engine(database_url)
    upgrade(created, BEFORE)
    yield created
    created.dispose()


def downgrade(engine: Engine, revision: str) -> None:
    config = alembic_config(engine)
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.downgrade(config, revision)


def store_signals(engine: Engine) -> ConversationId:
    store = ConversationStore(engine)
    customer = store.ensure_customer(None, "Ann", "de")
    conversation = store.create_conversation(customer.id, "web", "de")
    with engine.begin() as conn:
        for seq, (source, data, _) in enumerate(SIGNALS, start=1):
            conn.execute(
                insert(events).values(
                    id=f"evt_{seq}", conversation_id=conversation.id, seq=seq, kind="signal",
                    source=source, data=data, created_at=datetime.now(UTC),
                )
            )  # fmt: skip
    return conversation.id


def stored_kinds(engine: Engine) -> list[str]:
    with engine.connect() as conn:
        return list(conn.execute(select(events.c.kind).order_by(events.c.seq)).scalars())


def test_every_stored_signal_gets_the_kind_its_payload_says(engine: Engine) -> None:
    conversation_id = store_signals(engine)
    upgrade(engine)
    assert stored_kinds(engine) == [kind.value for _, _, kind in SIGNALS]
    read = ConversationStore(engine).events_after(conversation_id, 0)
    assert AssistantTurn.of(read[0]) == AssistantTurn(intent="refund", confidence=0.9, dialogue={})
    assert CsatRated.of(read[1]) == CsatRated(4, "quick", close_seq=3)
    assert HandoffNoted.of(read[2]) == HandoffNoted("s", [], through_seq=2)
    translated = Translated.of(read[3])
    assert translated is not None and (translated.of_seq, translated.text) == (1, "hi")
    assert KeyClaimed.of(read[4]) == KeyClaimed("confirm:abc", EventId("evt_1"))


def test_a_signal_an_older_process_writes_after_the_migration_reads_as_its_kind(
    engine: Engine,
) -> None:
    upgrade(engine)
    conversation_id = store_signals(engine)  # a process from before 0009, mid-upgrade
    read = ConversationStore(engine).events_after(conversation_id, 0)
    assert [event.kind for event in read] == [kind for _, _, kind in SIGNALS]
    assert CsatRated.of(read[1]) == CsatRated(4, "quick", close_seq=3)


def test_the_downgrade_makes_them_signals_again(engine: Engine) -> None:
    store_signals(engine)
    upgrade(engine)
    downgrade(engine, BEFORE)
    assert stored_kinds(engine) == ["signal"] * len(SIGNALS)


@pytest.mark.parametrize("revision", ["head", BEFORE])
def test_events_stay_append_only_after_the_rewrite(engine: Engine, revision: str) -> None:
    store_signals(engine)
    upgrade(engine)
    if revision == BEFORE:
        downgrade(engine, BEFORE)
    with pytest.raises(DBAPIError, match="append-only"), engine.begin() as conn:
        conn.execute(update(events).where(events.c.seq == 1).values(kind="note"))
