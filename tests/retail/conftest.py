"""Store fixtures: a fresh copy of db.json's store per test, seeded once per session."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import Engine

from relaydesk.packs.retail.evaluation.replay import StoreCopies
from relaydesk.packs.retail.tools import build_retail_tools
from relaydesk.tools import ToolRegistry


@pytest.fixture(scope="session")
def store_copies(tmp_path_factory: pytest.TempPathFactory) -> StoreCopies:
    """Copies of the seeded store as SQLite files (the seed runs once per session)."""
    return StoreCopies(tmp_path_factory.mktemp("retail-store"))


@pytest.fixture
def store(store_copies: StoreCopies) -> Iterator[Engine]:
    """A fresh store, exactly as db.json has it."""
    with store_copies.fresh() as engine:
        yield engine


@pytest.fixture(scope="session")
def tools() -> ToolRegistry:
    return build_retail_tools()
