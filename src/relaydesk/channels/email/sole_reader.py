"""One mailbox reader at a time across processes and hosts.

On PostgreSQL (the only store several `serve` workers may share) the reader holds a session
advisory lock; when its process dies the connection closes and another reader takes over.
SQLite serves one process, which is then the sole reader.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import Engine, text

# A fixed key for "the mailbox reader" in pg_try_advisory_lock's 64-bit space.
MAILBOX_LOCK_KEY = 0x5245_4C41_594D_4149  # "RELAYMAI"


@contextmanager
def sole_reader(engine: Engine) -> Iterator[bool]:
    """Yields whether this process is the one that reads the mailbox now."""
    if engine.dialect.name != "postgresql":
        yield True
        return
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        held = bool(
            conn.execute(
                text("SELECT pg_try_advisory_lock(:key)"), {"key": MAILBOX_LOCK_KEY}
            ).scalar()
        )
        try:
            yield held
        finally:
            if held:
                conn.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": MAILBOX_LOCK_KEY})
