"""Fixtures the analytics tests share: a migrated database and the e5 embedder."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine

from relaydesk.assistant.e5_onnx import E5OnnxEmbedder
from relaydesk.store.engine import make_engine
from relaydesk.store.migrate import upgrade


@pytest.fixture(scope="session")
def embedder() -> E5OnnxEmbedder:
    return E5OnnxEmbedder()


@pytest.fixture
def engine(tmp_path: Path) -> Iterator[Engine]:
    """The database that `--data-dir tmp_path` opens, migrated."""
    made = make_engine(f"sqlite:///{tmp_path / 'relaydesk.sqlite3'}")
    upgrade(made)
    yield made
    made.dispose()
