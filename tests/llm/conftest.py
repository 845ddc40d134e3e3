from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine

from llm.fake_openai import FakeOpenAI
from relaydesk.assistant.engine import PackAssistant
from relaydesk.packs.paylater.backend.seed import seed_backend
from relaydesk.store.engine import make_engine
from relaydesk.store.migrate import upgrade
from relaydesk.testing.fixtures import build_test_assistant
from support.demo import TODAY
from support.services import shared_cache_dir


@pytest.fixture(scope="session")
def demo_assistant() -> PackAssistant:
    """The demo assistant, its models loaded once for the whole session."""
    return build_test_assistant(shared_cache_dir())


@pytest.fixture
def backend(tmp_path: Path) -> Iterator[Engine]:
    engine = make_engine(f"sqlite:///{tmp_path / 'demo.sqlite3'}")
    upgrade(engine)
    seed_backend(engine, customers=0, today=TODAY)
    yield engine
    engine.dispose()


@pytest.fixture(scope="session")
def fake_openai() -> Iterator[FakeOpenAI]:
    """One replaying OpenAI-compatible server on 127.0.0.1 for the whole session."""
    pytest.importorskip("openai", reason="protocol tests need the llm extra: pip install openai")
    with FakeOpenAI().running() as server:
        yield server
