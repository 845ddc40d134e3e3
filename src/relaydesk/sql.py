"""Reading connections, shared by the store and the tools (both sit above this module).

`reading(engine)` marks a connection as one that only reads; the engine `make_engine` builds
(`store/engine.py`) then keeps such a connection out of SQLite's writers' queue and refuses
a write through it.
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Iterator
from typing import Any

from sqlalchemy import Connection, Engine

_READS_ONLY = "relaydesk_reads_only"
_READING = {_READS_ONLY: True, "postgresql_readonly": True}
_READ_STATEMENT = re.compile(r"\s*(?:SELECT|WITH|BEGIN|PRAGMA)\b", re.IGNORECASE)


class WriteWhileReading(RuntimeError):
    """A write was sent through a connection opened by `reading()`."""


@contextlib.contextmanager
def reading(engine: Engine) -> Iterator[Connection]:
    """A connection whose transactions only read. On SQLite they begin deferred and skip the
    writers' queue: in WAL mode a reader neither waits for the writer nor holds it up. On
    PostgreSQL they are READ ONLY. A write through it is refused on both.

    It commits when the block ends: on PostgreSQL a rollback makes psycopg forget the
    statements it prepared on that connection, so reads that rolled back cost every later
    statement its plan and one more round trip (DEALLOCATE ALL)."""
    with engine.connect().execution_options(**_READING) as conn:
        yield conn
        conn.commit()


def reads_only(conn: Any) -> bool:
    """Whether this connection was opened by `reading()`."""
    return bool(conn.get_execution_options().get(_READS_ONLY))


def refuse_writes_when_reading(conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
    """A `before_cursor_execute` listener: a deferred reader that wrote would take SQLite's
    lock outside the writers' queue."""
    if reads_only(conn) and not _READ_STATEMENT.match(statement):
        raise WriteWhileReading(f"A reading connection cannot run: {statement[:60]}")
