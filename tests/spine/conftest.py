"""The conversation store on a migrated SQLite file and PostgreSQL schema alike."""

from collections.abc import Iterator

import pytest

from relaydesk.store.conversations import ConversationStore
from relaydesk.store.engine import make_engine
from relaydesk.store.migrate import upgrade


@pytest.fixture
def store(database_url: str) -> Iterator[ConversationStore]:
    engine = make_engine(database_url)
    upgrade(engine)
    yield ConversationStore(engine)
    engine.dispose()
