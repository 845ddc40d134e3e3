"""Engine creation: SQLite in WAL mode by default, PostgreSQL when configured."""

from __future__ import annotations

import contextlib
import os
import sqlite3
import threading
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url

from relaydesk.sql import reads_only, refuse_writes_when_reading
from relaydesk.store.idle_ping import ping_when_idle


def normalise_url(url: str) -> str:
    """Use psycopg 3 for plain postgresql:// URLs."""
    if url.startswith("postgresql://"):
        return "postgresql+psycopg://" + url.removeprefix("postgresql://")
    if url.startswith("postgres://"):
        return "postgresql+psycopg://" + url.removeprefix("postgres://")
    return url


def _create_private(path: Path) -> None:
    """Create the database file readable by its owner only; SQLite gives its -wal and -shm
    files the same permissions. An existing file keeps the permissions it has."""
    with contextlib.suppress(FileExistsError):
        os.close(os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600))


def make_engine(url: str, pool_size: int = 10, max_overflow: int = 10) -> Engine:
    """Create an engine; SQLite gets WAL, a busy timeout and enforced foreign keys.

    On PostgreSQL the pool holds `pool_size` connections and opens up to `max_overflow`
    more in a burst (psycopg prepares a statement the server-side way after it has run
    five times on a connection, so a warm pool also saves the planning); a connection is
    pinged before use only after it has sat idle (`idle_ping.py`).
    """
    url = normalise_url(url)
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite":
        engine = create_engine(url, pool_size=pool_size, max_overflow=max_overflow)
        ping_when_idle(engine)
        event.listen(engine, "before_cursor_execute", refuse_writes_when_reading)
        return engine
    if parsed.database and parsed.database != ":memory:":
        Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        _create_private(Path(parsed.database))
    engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 30})

    @event.listens_for(engine, "connect")
    def _configure_sqlite(dbapi_connection: Any, _record: Any) -> None:
        # Let SQLAlchemy issue BEGIN so writers take the lock up front (BEGIN IMMEDIATE).
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        # NORMAL in WAL mode survives a process crash; only power loss can drop the last commit.
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=30000")
        cursor.close()

    _queue_writers(engine)
    event.listen(engine, "before_cursor_execute", refuse_writes_when_reading)
    return engine


BUSY_TIMEOUT_S = 30.0
_HOLDS_WRITE_LOCK = "relaydesk_holds_write_lock"


def _queue_writers(engine: Engine) -> None:
    """Every transaction but a reading one takes SQLite's write lock up front (BEGIN
    IMMEDIATE); the threads of one process first queue for it on a lock of their own.
    SQLite's busy handler sleeps up to 100 ms between tries, so under concurrency the lock sat
    free while waiters slept and a turn's tail grew to seconds. Other processes still meet
    the busy timeout."""
    queue = _WriterQueue()
    event.listen(engine, "begin", queue.begin)
    event.listen(engine, "commit", lambda conn: queue.finish(conn, "commit"))
    event.listen(engine, "rollback", lambda conn: queue.finish(conn, "rollback"))
    event.listen(engine, "checkin", queue.returned)


class _WriterQueue:
    def __init__(self) -> None:
        self.writer = threading.Lock()

    def begin(self, conn: Any) -> None:
        # Straight to the driver: SQLAlchemy's execution of a bare BEGIN (its context,
        # events and result) cost more than SQLite's own work, on every transaction.
        driver = conn.connection.driver_connection
        if reads_only(conn):
            driver.execute("BEGIN")  # one snapshot for the reads, no write lock
            return
        if not self.writer.acquire(timeout=BUSY_TIMEOUT_S):
            raise sqlite3.OperationalError("database is locked")
        try:
            driver.execute("BEGIN IMMEDIATE")
        except BaseException:
            self.writer.release()
            raise
        conn.info[_HOLDS_WRITE_LOCK] = True

    def finish(self, conn: Any, end: str) -> None:
        if not conn.info.pop(_HOLDS_WRITE_LOCK, False):
            return
        try:
            # End the transaction here so the next writer finds SQLite's lock free;
            # SQLAlchemy's own commit or rollback then finds nothing left to end.
            dbapi_connection = conn.connection.dbapi_connection
            if dbapi_connection is not None:
                getattr(dbapi_connection, end)()
        finally:
            self.writer.release()

    def returned(self, _dbapi_connection: Any, record: Any) -> None:
        # A connection dropped without commit or rollback is rolled back by the pool.
        if record.info.pop(_HOLDS_WRITE_LOCK, False):
            self.writer.release()


def dispose_for_good(engine: Engine) -> None:
    """Close the pool's connections, and each one still out when it comes back. dispose()
    alone keeps a connection returned later (by a thread that outlived the app's stop) open
    in the old pool, until the garbage collector drops it unclosed."""
    event.listen(engine, "checkin", _close_returned)
    engine.dispose()


def _close_returned(dbapi_connection: Any, _record: Any) -> None:
    if dbapi_connection is not None:
        dbapi_connection.close()
