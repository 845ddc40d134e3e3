"""A PostgreSQL connection is pinged before use only when it has sat idle.

SQLAlchemy's `pool_pre_ping` pings on every checkout: one round trip more per transaction,
about three a turn. A connection that went back to the pool a moment ago is alive unless
the server has just restarted; one idle for longer may have been closed by the server's
idle timeout, a proxy or a firewall, and is pinged and replaced as before. What is given
up: after a restart, a connection used within the last `after_s` and checked out before
any idle one fails its first statement instead of being replaced first. SQLAlchemy then
discards the pool's older connections, and the failed request acknowledged nothing.
"""

from __future__ import annotations

import time
from typing import Any

from sqlalchemy import Engine, event
from sqlalchemy.exc import InvalidatePoolError

IDLE_BEFORE_PING_S = 1.0
_RETURNED_AT = "relaydesk_returned_at"


def ping_when_idle(engine: Engine, after_s: float = IDLE_BEFORE_PING_S) -> None:
    """Ping a checked-out connection only if it was last returned more than `after_s` ago
    (a new connection counts as just returned)."""
    dialect = engine.dialect

    def stamp(_dbapi_connection: Any, record: Any) -> None:
        record.info[_RETURNED_AT] = time.monotonic()

    def checkout(dbapi_connection: Any, record: Any, _proxy: Any) -> None:
        returned_at = record.info.get(_RETURNED_AT)
        if returned_at is not None and time.monotonic() - returned_at < after_s:
            return
        try:
            dialect.do_ping(dbapi_connection)
        except dialect.loaded_dbapi.Error as error:
            # The pool checks out another connection (its documented hook for a
            # pessimistic test), and replaces every older one too: a restarted server
            # closed those that were used a moment ago as well.
            raise InvalidatePoolError(f"The connection was closed: {error}") from error

    event.listen(engine, "connect", stamp)
    event.listen(engine, "checkin", stamp)
    event.listen(engine, "checkout", checkout)
