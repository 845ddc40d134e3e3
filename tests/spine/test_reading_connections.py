"""Reading connections: on SQLite they skip the writers' queue and see committed rows only;
on either store a write through one is refused, and the pool gives later callers a writer."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from psycopg.pq import TransactionStatus
from sqlalchemy import Engine, text
from tests.support.services import postgres_schema

from relaydesk.sql import WriteWhileReading, reading
from relaydesk.store.engine import make_engine


@pytest.fixture
def sqlite_engine(tmp_path: Path) -> Iterator[Engine]:
    engine = make_engine(f"sqlite:///{tmp_path / 'reading.sqlite3'}")
    with engine.begin() as conn:
        conn.execute(text("CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT)"))
        conn.execute(text("INSERT INTO notes (body) VALUES ('committed')"))
    yield engine
    engine.dispose()


def _bodies(engine: Engine) -> list[str]:
    with reading(engine) as conn:
        return list(conn.execute(text("SELECT body FROM notes ORDER BY id")).scalars())


def test_a_reader_does_not_wait_for_an_open_write_and_sees_only_what_was_committed(
    sqlite_engine: Engine,
) -> None:
    write_open, write_may_end = threading.Event(), threading.Event()

    def writer() -> None:
        with sqlite_engine.begin() as conn:
            conn.execute(text("INSERT INTO notes (body) VALUES ('not yet')"))
            write_open.set()
            write_may_end.wait(10)

    thread = threading.Thread(target=writer)
    thread.start()
    try:
        assert write_open.wait(10)
        read: list[list[str]] = []
        reader = threading.Thread(target=lambda: read.append(_bodies(sqlite_engine)))
        reader.start()
        reader.join(5)  # a transaction queued behind the writer would wait 30 s
        assert not reader.is_alive(), "the reader queued behind the open write"
        assert read == [["committed"]]
    finally:
        write_may_end.set()
        thread.join(10)
    assert _bodies(sqlite_engine) == ["committed", "not yet"]


def test_reads_of_one_reading_connection_share_one_snapshot(sqlite_engine: Engine) -> None:
    with reading(sqlite_engine) as conn:
        first = conn.execute(text("SELECT count(*) FROM notes")).scalar_one()
        with sqlite_engine.begin() as other:  # a writer is not held up by the open reader
            other.execute(text("INSERT INTO notes (body) VALUES ('later')"))
        second = conn.execute(text("SELECT count(*) FROM notes")).scalar_one()
    assert first == second == 1
    assert _bodies(sqlite_engine) == ["committed", "later"]


def test_sqlite_refuses_a_write_through_a_reading_connection(sqlite_engine: Engine) -> None:
    with reading(sqlite_engine) as conn, pytest.raises(WriteWhileReading, match="INSERT"):
        conn.execute(text("INSERT INTO notes (body) VALUES ('sneaked')"))
    with sqlite_engine.begin() as conn:  # the pool's connection writes again
        conn.execute(text("INSERT INTO notes (body) VALUES ('written')"))
    assert _bodies(sqlite_engine) == ["committed", "written"]


def test_postgres_refuses_a_write_through_a_reading_connection() -> None:
    with postgres_schema() as url:
        engine = make_engine(url, pool_size=1, max_overflow=0)
        try:
            with engine.begin() as conn:
                conn.execute(text("CREATE TABLE notes (id SERIAL PRIMARY KEY, body TEXT)"))
            with reading(engine) as conn, pytest.raises(WriteWhileReading, match="INSERT"):
                conn.execute(text("INSERT INTO notes (body) VALUES ('sneaked')"))
            # the one pooled connection is writable again for the next caller
            with engine.begin() as conn:
                conn.execute(text("INSERT INTO notes (body) VALUES ('written')"))
            assert _bodies(engine) == ["written"]
        finally:
            engine.dispose()


def test_postgres_reads_without_a_transaction_of_their_own() -> None:
    # READ COMMITTED gives each statement its own snapshot: a BEGIN and COMMIT around
    # reads would add two round trips and nothing else
    with postgres_schema() as url:
        engine = make_engine(url, pool_size=1, max_overflow=0)
        try:
            with reading(engine) as conn:
                assert conn.execute(text("SELECT 1")).scalar_one() == 1
                status = conn.connection.driver_connection.info.transaction_status
                assert status == TransactionStatus.IDLE
            with engine.begin() as conn:  # the pool's writers still get a transaction
                conn.execute(text("SELECT 1"))
                status = conn.connection.driver_connection.info.transaction_status
                assert status == TransactionStatus.INTRANS
        finally:
            engine.dispose()


def test_postgres_keeps_its_prepared_statements_across_reads() -> None:
    # psycopg prepares a statement on its fifth run and forgets them all on a rollback
    with postgres_schema() as url:
        engine = make_engine(url, pool_size=1, max_overflow=0)
        try:
            for _ in range(6):
                with reading(engine) as conn:
                    assert conn.execute(text("SELECT 1 + :n"), {"n": 1}).scalar_one() == 2
            with reading(engine) as conn:
                prepared = conn.execute(
                    text("SELECT statement FROM pg_prepared_statements")
                ).scalars()
                assert any("SELECT 1 +" in statement for statement in prepared)
        finally:
            engine.dispose()
