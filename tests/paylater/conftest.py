"""Demo-backend fixtures: every store test runs on a SQLite file and on PostgreSQL."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import psycopg
import pytest
from sqlalchemy import Engine, text

from relaydesk.packs.paylater.backend import create_backend_schema, seed_backend
from relaydesk.store.engine import make_engine

POSTGRES_URL = "postgresql://postgres@127.0.0.1:5432/test"
TODAY = date(2026, 3, 16)  # a fixed day keeps every date in these tests reproducible


@pytest.fixture
def today() -> date:
    """The day the demo data is seeded for."""
    return TODAY


@pytest.fixture(scope="session")
def postgres_engine() -> Iterator[Engine | str]:
    """A schema of its own for this run (dropped afterwards), or why PostgreSQL is missing."""
    try:
        psycopg.connect(POSTGRES_URL, connect_timeout=2).close()
    except psycopg.Error as exc:
        yield f"PostgreSQL at 127.0.0.1:5432 (database test) is unreachable: {type(exc).__name__}"
        return
    schema = f"pl_test_{uuid.uuid4().hex[:12]}"
    admin = make_engine(POSTGRES_URL)
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    try:
        yield admin.execution_options(schema_translate_map={None: schema})
    finally:
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


@pytest.fixture(params=["sqlite", "postgres"])
def backend_engine(
    request: pytest.FixtureRequest, tmp_path: Path, postgres_engine: Engine | str
) -> Iterator[Engine]:
    """The demo company's tables; every test seeds them first, which replaces all rows."""
    if request.param == "sqlite":
        engine = make_engine(f"sqlite:///{tmp_path}/paylater.sqlite3")
        create_backend_schema(engine)
        yield engine
        engine.dispose()
        return
    if isinstance(postgres_engine, str):
        pytest.skip(postgres_engine)
    create_backend_schema(postgres_engine)
    yield postgres_engine


@pytest.fixture
def demo_engine(backend_engine: Engine) -> Engine:
    """The demo customers plus a handful of random ones, as of TODAY."""
    seed_backend(backend_engine, seed=7, customers=5, today=TODAY)
    return backend_engine
