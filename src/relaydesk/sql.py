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
_READING_SQLITE = {_READS_ONLY: True}
_READING_AUTOCOMMIT = {_READS_ONLY: True, "isolation_level": "AUTOCOMMIT"}
_READ_STATEMENT = re.compile(r"\s*(?:SELECT|WITH|PRAGMA)\b", re.IGNORECASE)


class WriteWhileReading(RuntimeError):
    """A write was sent through a connection opened by `reading()`."""


@contextlib.contextmanager
def reading(engine: Engine) -> Iterator[Connection]:
    """A connection that only reads; a write through it is refused (`WriteWhileReading`).

    On SQLite its reads share one deferred transaction outside the writers' queue: in WAL
    mode a reader neither waits for the writer nor holds it up. On PostgreSQL each statement
    runs on its own (autocommit): at READ COMMITTED a transaction gives every statement a
    snapshot of its own anyway, so a BEGIN and a COMMIT would only cost two round trips.
    Nothing rolls back either, which would make psycopg forget the statements it prepared
    on that connection."""
    options = _READING_SQLITE if engine.dialect.name == "sqlite" else _READING_AUTOCOMMIT
    with engine.connect().execution_options(**options) as conn:
        yield conn
        conn.commit()  # SQLite's deferred BEGIN; nothing is sent on PostgreSQL


def reads_only(conn: Any) -> bool:
    """Whether this connection was opened by `reading()`."""
    return bool(conn.get_execution_options().get(_READS_ONLY))


def refuse_writes_when_reading(conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
    """A `before_cursor_execute` listener: a deferred reader that wrote would take SQLite's
    lock outside the writers' queue, and on PostgreSQL a reader's write would commit at once."""
    if reads_only(conn) and not _READ_STATEMENT.match(statement):
        raise WriteWhileReading(f"A reading connection cannot run: {statement[:60]}")
