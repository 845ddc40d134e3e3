"""Fixtures every test directory may use: real SQLite files, PostgreSQL schemas, Redis."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from support.services import postgres_schema


@pytest.fixture(params=["sqlite", "postgres"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """The same test against a SQLite file and a fresh PostgreSQL schema."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'relaydesk.sqlite3'}"
        return
    with postgres_schema() as url:
        yield url
