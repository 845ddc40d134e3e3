"""Failed attempts counted in the database, so every server process sees the same delays."""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from typing import Any

from sqlalchemy import Engine, case, delete, select
from sqlalchemy.dialects import postgresql, sqlite

from relaydesk.store.tables import failed_attempts
from relaydesk.tools.attempts import FORGET_AFTER_S, AttemptScope, delay_s


class StoredAttempts:
    """`AttemptLimits` over the `failed_attempts` table (SQLite or PostgreSQL)."""

    def __init__(self, engine: Engine, clock: Callable[[], float] = time.time) -> None:
        self._engine = engine
        self._clock = clock

    def wait_s(self, scopes: Sequence[AttemptScope]) -> float:
        now = self._clock()
        free = {scope.hashed: scope.free_failures for scope in scopes}
        query = select(failed_attempts).where(failed_attempts.c.scope_hash.in_(list(free)))
        with self._engine.connect() as conn:
            rows = conn.execute(query).all()
        waits = [
            max(0.0, row.last_failed_at + delay_s(row.failures, free[row.scope_hash]) - now)
            for row in rows
            if now - row.last_failed_at <= FORGET_AFTER_S
        ]
        return max(waits, default=0.0)

    def failed(self, scopes: Sequence[AttemptScope]) -> None:
        now = self._clock()
        rows = [{"scope_hash": s.hashed, "failures": 1, "last_failed_at": now} for s in scopes]
        if not rows:
            return
        table = failed_attempts
        insert: Any = (
            postgresql.insert(table)
            if self._engine.dialect.name == "postgresql"
            else sqlite.insert(table)
        )
        # One statement per scope and no read first: concurrent failures all count.
        stale = table.c.last_failed_at < now - FORGET_AFTER_S
        upsert = insert.on_conflict_do_update(
            index_elements=["scope_hash"],
            set_={
                "failures": case((stale, 1), else_=table.c.failures + 1),
                "last_failed_at": insert.excluded.last_failed_at,
            },
        )
        with self._engine.begin() as conn:
            for row in sorted(rows, key=lambda r: str(r["scope_hash"])):  # one lock order
                conn.execute(upsert, row)

    def succeeded(self, scopes: Sequence[AttemptScope]) -> None:
        hashes = [scope.hashed for scope in scopes]
        with self._engine.begin() as conn:
            conn.execute(delete(failed_attempts).where(failed_attempts.c.scope_hash.in_(hashes)))

    def forget_stale(self) -> int:
        """Delete counts nobody has added to for a day; the number deleted."""
        cutoff = self._clock() - FORGET_AFTER_S
        with self._engine.begin() as conn:
            result = conn.execute(
                delete(failed_attempts).where(failed_attempts.c.last_failed_at < cutoff)
            )
        return int(result.rowcount or 0)
