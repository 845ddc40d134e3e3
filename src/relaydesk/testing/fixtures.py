"""Building the demo assistant for tests: one load of the models, any backend per test."""

from __future__ import annotations

from pathlib import Path

from relaydesk.assistant.engine import PackAssistant
from relaydesk.packs.paylater.assistant import build_paylater_assistant
from relaydesk.store.engine import make_engine

TEST_BASE_URL = "http://127.0.0.1:8000"


def build_test_assistant(cache_dir: Path) -> PackAssistant:
    """The demo assistant on a placeholder engine; runners swap in each test's backend."""
    placeholder = make_engine("sqlite://")
    return build_paylater_assistant(placeholder, TEST_BASE_URL, cache_dir)
