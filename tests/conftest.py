"""Fixtures every test directory may use: real SQLite files, PostgreSQL schemas, Redis."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine

from relaydesk.assistant.engine import PackAssistant
from relaydesk.packs.paylater.backend.seed import seed_backend
from relaydesk.packs.paylater.pack import paylater_pack
from relaydesk.store.engine import make_engine
from relaydesk.store.migrate import upgrade
from relaydesk.testing.fixtures import build_test_assistant
from support.demo import TODAY
from support.services import postgres_schema, shared_cache_dir

pytest_plugins = ["support.leaks"]

# The suite is written against the demo company; with several packs installed it still is
# (servers started by tests inherit this).
os.environ.setdefault("RELAYDESK_PACK", "paylater")
# pytest-xdist's workers inherit a fixed 80x24 terminal; the CLI's Rich console would fix
# its width from it at import and ignore the COLUMNS a test gives CliRunner.
for _fixed in ("COLUMNS", "LINES"):
    os.environ.pop(_fixed, None)


@pytest.fixture(params=["sqlite", "postgres"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """The same test against a SQLite file and a fresh PostgreSQL schema."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'relaydesk.sqlite3'}"
        return
    with postgres_schema() as url:
        yield url


@pytest.fixture(scope="session")
def demo_assistant() -> PackAssistant:
    """The demo assistant, its models loaded once for the whole session."""
    return build_test_assistant(paylater_pack(), shared_cache_dir())


@pytest.fixture
def backend(tmp_path: Path) -> Iterator[Engine]:
    """relaydesk's schema and the demo company's seeded backend in one SQLite file."""
    engine = make_engine(f"sqlite:///{tmp_path / 'demo.sqlite3'}")
    upgrade(engine)
    seed_backend(engine, customers=0, today=TODAY)
    yield engine
    engine.dispose()
