"""The store as a pack: found by its entry point, checked by the contract, run by the engine."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from relaydesk.assistant.engine import PackAssistant
from relaydesk.pack import Pack, installed_packs, load_pack
from relaydesk.testing.conversation_runner import ConversationTestRunner
from relaydesk.testing.conversation_spec import load_conversation_tests
from relaydesk.testing.fixtures import build_test_assistant
from support.services import shared_cache_dir

CONVERSATIONS = Path(__file__).parent / "conversations"


@pytest.fixture(scope="module")
def retail() -> Pack:
    return load_pack("retail")


@pytest.fixture(scope="module")
def retail_assistant(retail: Pack) -> PackAssistant:
    return build_test_assistant(retail, shared_cache_dir())


def test_the_store_is_installed_as_the_pack_named_retail(retail: Pack) -> None:
    assert "retail" in {pack.name for pack in installed_packs()}
    assert retail.name == "retail"
    assert retail.branding.greeting("sv").startswith("Hej")


def test_the_engine_runs_the_stores_conversation_tests(
    retail: Pack, retail_assistant: PackAssistant
) -> None:
    runner = ConversationTestRunner(retail, retail_assistant, date(2026, 12, 6))
    outcomes = [runner.run(path, test) for path, test in load_conversation_tests(CONVERSATIONS)]
    failures = [f"{o.name}: {problem}" for o in outcomes for problem in o.failures]
    assert not failures, failures
    assert len(outcomes) == 9
