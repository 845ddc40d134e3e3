"""Failed attempts counted in the database, so every server process sees the same delays."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Engine, case, delete, select
from sqlalchemy.dialects import postgresql, sqlite

from relaydesk.store.tables import failed_attempts
from relaydesk.tools.attempts import FORGET_AFTER_S, AttemptScope

SWEEP_EVERY = 1000  # failures counted between deletions of day-old counts


class StoredAttempts:
    """`AttemptLimits` over the `failed_attempts` table (SQLite or PostgreSQL)."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine
        self._until_sweep = SWEEP_EVERY

    def wait_s(self, scopes: Sequence[AttemptScope], now: float) -> float:
        by_hash = {scope.hashed: scope for scope in scopes}
        query = select(failed_attempts).where(failed_attempts.c.scope_hash.in_(list(by_hash)))
        with self._engine.connect() as conn:
            rows = conn.execute(query).all()
        waits = [
            by_hash[row.scope_hash].wait_s(row.failures, row.last_failed_at, now) for row in rows
        ]
        return max(waits, default=0.0)

    def failed(self, scopes: Sequence[AttemptScope], now: float) -> list[int]:
        table = failed_attempts
        insert: Any = (
            postgresql.insert(table)
            if self._engine.dialect.name == "postgresql"
            else sqlite.insert(table)
        )
        counts: dict[str, int] = {}
        with self._engine.begin() as conn:
            for scope in sorted(scopes, key=lambda s: s.hashed):  # one lock order
                # One statement and no read first: concurrent failures all count.
                stale = table.c.last_failed_at < now - scope.forget_after_s
                upsert = insert.values(
                    scope_hash=scope.hashed, failures=1, last_failed_at=now
                ).on_conflict_do_update(
                    index_elements=["scope_hash"],
                    set_={
                        "failures": case((stale, 1), else_=table.c.failures + 1),
                        "last_failed_at": insert.excluded.last_failed_at,
                    },
                )
                counts[scope.hashed] = int(
                    conn.execute(upsert.returning(table.c.failures)).scalar_one()
                )
        self._until_sweep -= 1
        if self._until_sweep <= 0:
            self._until_sweep = SWEEP_EVERY
            self.forget_before(now - FORGET_AFTER_S)
        return [counts[scope.hashed] for scope in scopes]

    def succeeded(self, scopes: Sequence[AttemptScope]) -> None:
        hashes = [scope.hashed for scope in scopes]
        with self._engine.begin() as conn:
            conn.execute(delete(failed_attempts).where(failed_attempts.c.scope_hash.in_(hashes)))

    def forget_before(self, moment: float) -> int:
        """Delete counts nobody added to since `moment`; the number deleted."""
        with self._engine.begin() as conn:
            result = conn.execute(
                delete(failed_attempts).where(failed_attempts.c.last_failed_at < moment)
            )
        return int(result.rowcount or 0)
