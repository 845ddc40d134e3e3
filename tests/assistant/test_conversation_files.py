"""Every YAML conversation test in tests/conversations, run through the real turn."""

from datetime import date
from pathlib import Path

import pytest

from relaydesk.assistant.engine import PackAssistant
from relaydesk.testing.conversation_runner import ConversationTestRunner
from relaydesk.testing.conversation_spec import ConversationTest, load_conversation_tests

FOLDER = Path(__file__).resolve().parents[1] / "conversations"
CASES = load_conversation_tests(FOLDER)


def test_conversation_tests_cover_at_least_three_languages() -> None:
    languages = {test.language or "en" for _, test in CASES}
    assert len(languages) >= 3


@pytest.mark.parametrize(
    ("source", "case"), CASES, ids=[f"{source.stem}:{case.name}" for source, case in CASES]
)
def test_conversation(source: Path, case: ConversationTest, demo_assistant: PackAssistant) -> None:
    outcome = ConversationTestRunner(demo_assistant, date.today()).run(source, case)
    assert outcome.passed, "\n".join(outcome.failures)
