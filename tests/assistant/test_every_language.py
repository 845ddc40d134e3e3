"""Every language the replies are written in has a conversation test for the next payment, a
fee question and asking for a person, and those conversations are not sentences the model was
trained or measured on."""

from __future__ import annotations

from pathlib import Path

from relaydesk.assistant.replies import ReplyCatalog
from relaydesk.assistant.understanding.datasets import load_examples_yaml
from relaydesk.assistant.understanding.training import load_pack_examples
from relaydesk.packs.paylater.assistant import PACK_DIR
from relaydesk.testing.conversation_spec import load_conversation_tests

TESTS_DIR = Path(__file__).resolve().parents[1]
CASES = load_conversation_tests(TESTS_DIR / "conversations")
CATALOG_LANGUAGES = set(ReplyCatalog.load(PACK_DIR / "locale").languages())


def languages_with(check: str) -> set[str]:
    found = set()
    for _, case in CASES:
        for step in case.steps:
            expect = step.expect
            tool = expect.tool.name if expect.tool and expect.tool.status == "done" else None
            if check == tool or (check == "asked_for_human" and expect.escalation == check):
                found.add(case.language or "en")
    return found


def test_there_are_at_least_thirty_five_reply_languages() -> None:
    assert len(CATALOG_LANGUAGES) >= 35


def test_every_reply_language_has_a_next_payment_conversation() -> None:
    assert CATALOG_LANGUAGES - languages_with("next_payment") == set()


def test_every_reply_language_has_a_fee_conversation() -> None:
    assert CATALOG_LANGUAGES - languages_with("explain_fee") == set()


def test_every_reply_language_has_a_conversation_that_asks_for_a_person() -> None:
    assert CATALOG_LANGUAGES - languages_with("asked_for_human") == set()


def test_the_conversations_are_neither_training_nor_test_sentences() -> None:
    seen = {e.text.casefold() for e in load_pack_examples(PACK_DIR)}
    seen |= {
        e.text.casefold()
        for e in load_examples_yaml(TESTS_DIR / "understanding" / "multilingual_test.yaml")
    }
    said = [
        step.customer
        for source, case in CASES
        if source.stem == "languages_35"
        for step in case.steps
    ]
    assert len(said) >= 3 * 35
    assert [text for text in said if text.casefold() in seen] == []
