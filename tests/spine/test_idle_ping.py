"""PostgreSQL connections are pinged before use only after sitting idle: a busy pool saves a
round trip per transaction, and a connection the server closed while idle is replaced."""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from sqlalchemy import Engine, create_engine, text
from sqlalchemy.exc import DBAPIError
from tests.support.services import POSTGRES_URL, postgres_schema

from relaydesk.store.engine import make_engine, normalise_url
from relaydesk.store.idle_ping import ping_when_idle

IDLE_S = 0.2


def _count_pings(engine: Engine) -> list[int]:
    pings: list[int] = []
    real_ping = engine.dialect.do_ping

    def counted(dbapi_connection: Any) -> bool:
        pings.append(1)
        return real_ping(dbapi_connection)

    engine.dialect.do_ping = counted  # type: ignore[method-assign]
    return pings


def _backend_pid(engine: Engine) -> int:
    with engine.begin() as conn:
        return int(conn.execute(text("SELECT pg_backend_pid()")).scalar_one())


def _close_from_the_server(pid: int) -> None:
    admin = create_engine(normalise_url(POSTGRES_URL))
    try:
        with admin.begin() as conn:
            # waits up to 10 s for the backend to exit (PostgreSQL 14 and later)
            ended = conn.execute(text("SELECT pg_terminate_backend(:pid, 10000)"), {"pid": pid})
            assert ended.scalar_one() is True
    finally:
        admin.dispose()


@contextmanager
def _one_connection_pool(idle_s: float) -> Iterator[Engine]:
    """One pooled connection, pinged after `idle_s` of rest."""
    with postgres_schema() as url:
        engine = create_engine(normalise_url(url), pool_size=1, max_overflow=0)
        ping_when_idle(engine, after_s=idle_s)
        try:
            yield engine
        finally:
            engine.dispose()


def test_a_busy_pool_is_not_pinged() -> None:
    with postgres_schema() as url:
        engine = make_engine(url, pool_size=1, max_overflow=0)
        pings = _count_pings(engine)
        try:
            pids = {_backend_pid(engine) for _ in range(5)}
        finally:
            engine.dispose()
    assert len(pids) == 1
    assert pings == []


def test_an_idle_connection_is_pinged_and_one_the_server_closed_is_replaced() -> None:
    with _one_connection_pool(IDLE_S) as engine:
        pings = _count_pings(engine)
        first = _backend_pid(engine)
        pinged = len(pings)  # none, unless this machine stalled between connect and use
        time.sleep(IDLE_S * 2)
        assert _backend_pid(engine) == first
        assert len(pings) == pinged + 1

        _close_from_the_server(first)
        time.sleep(IDLE_S * 2)
        replaced = _backend_pid(engine)  # no error: the ping found it closed
    assert replaced != first
    assert len(pings) == pinged + 2


def test_a_connection_closed_while_busy_fails_once_then_the_pool_recovers() -> None:
    # What skipping the ping gives up: the server closed this connection (as a restart
    # would) a moment after it was last used.
    with _one_connection_pool(60.0) as engine:
        first = _backend_pid(engine)
        _close_from_the_server(first)
        with pytest.raises(DBAPIError) as failure:
            _backend_pid(engine)
        assert failure.value.connection_invalidated
        assert _backend_pid(engine) != first
