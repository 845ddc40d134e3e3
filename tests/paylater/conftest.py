"""Demo-backend fixtures: every store test runs on a SQLite file and on PostgreSQL."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date

import psycopg
import pytest
from sqlalchemy import Engine, text

from relaydesk.packs.paylater.backend import create_backend_schema, seed_backend
from relaydesk.store.engine import make_engine

POSTGRES_URL = "postgresql://postgres@127.0.0.1:5432/test"
TODAY = date(2026, 3, 16)  # a fixed day keeps every date in these tests reproducible


def _postgres_unreachable() -> str | None:
    try:
        psycopg.connect(POSTGRES_URL, connect_timeout=2).close()
    except psycopg.Error as exc:
        return f"PostgreSQL at 127.0.0.1:5432 (database test) is unreachable: {type(exc).__name__}"
    return None


@pytest.fixture
def today() -> date:
    """The day the demo data is seeded for."""
    return TODAY


@pytest.fixture(scope="session")
def postgres_skip_reason() -> str | None:
    return _postgres_unreachable()


@contextmanager
def _engine(kind: str, tmp_dir: str, skip_reason: str | None) -> Iterator[Engine]:
    if kind == "sqlite":
        engine = make_engine(f"sqlite:///{tmp_dir}/paylater.sqlite3")
        try:
            yield engine
        finally:
            engine.dispose()
        return
    if skip_reason:
        pytest.skip(skip_reason)
    # A schema of its own per test keeps parallel runs and other suites' tables apart.
    schema = f"pl_test_{uuid.uuid4().hex[:12]}"
    admin = make_engine(POSTGRES_URL)
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    engine = admin.execution_options(schema_translate_map={None: schema})
    try:
        yield engine
    finally:
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


@pytest.fixture(params=["sqlite", "postgres"])
def backend_engine(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory,
    postgres_skip_reason: str | None,
) -> Iterator[Engine]:
    """An empty database with the demo company's tables."""
    tmp_dir = str(tmp_path_factory.mktemp("paylater"))
    with _engine(request.param, tmp_dir, postgres_skip_reason) as engine:
        create_backend_schema(engine)
        yield engine


@pytest.fixture
def demo_engine(backend_engine: Engine) -> Engine:
    """The demo customers plus a handful of random ones, as of TODAY."""
    seed_backend(backend_engine, seed=7, customers=5, today=TODAY)
    return backend_engine
