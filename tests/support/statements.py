"""The SQL statements an engine runs within a block, to count round trips."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import Engine, event


@contextmanager
def statements_run(engine: Engine) -> Iterator[list[str]]:
    """The statements' SQL, in order; the listener goes when the block ends, since an engine
    (PostgreSQL's in the paylater tests) may be shared by the session."""
    seen: list[str] = []

    def count(_conn: Any, _cursor: Any, sql: str, *_rest: Any) -> None:
        seen.append(sql)

    event.listen(engine, "before_cursor_execute", count)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", count)
