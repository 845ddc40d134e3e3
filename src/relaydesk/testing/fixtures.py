"""Building a pack's assistant for tests: one load of the models, any backend per test."""

from __future__ import annotations

from pathlib import Path

from relaydesk.assistant.embeddings import Embedder
from relaydesk.assistant.engine import PackAssistant
from relaydesk.pack import AssistantSetup, Pack
from relaydesk.pack.assembly import build_pack_assistant
from relaydesk.store.engine import make_engine

TEST_BASE_URL = "http://127.0.0.1:8000"


def build_test_assistant(
    pack: Pack, cache_dir: Path, embedder: Embedder | None = None
) -> PackAssistant:
    """The pack's assistant on a placeholder engine; runners swap in each test's backend."""
    placeholder = make_engine("sqlite://")
    setup = AssistantSetup(placeholder, TEST_BASE_URL, cache_dir, embedder)
    return build_pack_assistant(pack, setup)
