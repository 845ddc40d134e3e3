"""Several server processes on one port: how many, whether the setup allows it, and the
factory each worker process calls to build its own app from the environment."""

from __future__ import annotations

import os

from fastapi import FastAPI
from sqlalchemy.engine import make_url

from relaydesk.settings import Settings, load_settings
from relaydesk.store.engine import normalise_url


def uses_sqlite(settings: Settings) -> bool:
    return make_url(normalise_url(settings.resolved_database_url)).get_backend_name() == "sqlite"


def turn_slots(settings: Settings) -> int:
    """The turn slots set, else 2 on SQLite and 4 on PostgreSQL, whose turns also wait on
    the server's round trips (turn_slots.py)."""
    if settings.turn_slots is not None:
        return settings.turn_slots
    return 2 if uses_sqlite(settings) else 4


def default_workers(settings: Settings) -> int:
    """One per core on PostgreSQL with Redis; one on the embedded setup, the only safe choice."""
    if uses_sqlite(settings) or not settings.redis_url:
        return 1
    return max(1, os.cpu_count() or 1)


def why_not_several_workers(settings: Settings, workers: int) -> str | None:
    """A sentence saying why this setup cannot run `workers` processes, or None when it can."""
    if workers <= 1:
        return None
    if uses_sqlite(settings):
        return (
            f"{workers} workers need PostgreSQL and Redis: on SQLite every worker would wait "
            "for one file's single write lock, and the in-memory bus cannot tell a worker's "
            "websockets about messages another worker stored; set RELAYDESK_DATABASE_URL "
            "and RELAYDESK_REDIS_URL, or serve with --workers 1."
        )
    if not settings.redis_url:
        return (
            f"{workers} workers need Redis: without it a websocket on one worker hears of a "
            "message stored by another only when it next polls, and rate limits are counted "
            "per process; set RELAYDESK_REDIS_URL, or serve with --workers 1."
        )
    return None


def connection_budget(settings: Settings, workers: int) -> str | None:
    """How many PostgreSQL connections the workers may open together (each has its pool)."""
    if uses_sqlite(settings):
        return None
    most = workers * (settings.database_pool_size + settings.database_max_overflow)
    return f"at most {most} PostgreSQL connections; keep the server's max_connections above it"


def create_worker_app() -> FastAPI:
    """Each worker process builds its own engine, pool, bus and models from the environment,
    and closes a kept-alive connection now and then so the workers' shares even out."""
    from relaydesk.api.app import create_app
    from relaydesk.api.connection_recycling import RecycleConnections

    application = create_app(load_settings())
    application.add_middleware(RecycleConnections)
    return application


def run_workers(settings: Settings, workers: int, ws_max_size: int) -> None:
    """Serve with `workers` processes on one port; each loads the assistant's models itself."""
    import uvicorn

    # Worker processes read their settings afresh, so the command line's choices go with them.
    os.environ.update(
        RELAYDESK_HOST=settings.host,
        RELAYDESK_PORT=str(settings.port),
        RELAYDESK_DATA_DIR=str(settings.data_dir),
    )
    uvicorn.run(
        "relaydesk.api.workers:create_worker_app",
        factory=True,
        host=settings.host,
        port=settings.port,
        workers=workers,
        log_level="warning",
        ws_max_size=ws_max_size,
    )
