from __future__ import annotations

from collections import defaultdict
from datetime import datetime

import pytest

from relaydesk.assistant.understanding import TALK_TO_HUMAN, Understander
from relaydesk.assistant.understanding.datasets import OUT_OF_SCOPE, load_examples_yaml
from relaydesk.assistant.understanding.training import load_pack_examples
from understanding.understanding_support import PACK_DIR, TEST_SET

DEMO_INTENTS = {
    "next_payment", "postpone_payment", "pay_instalment", "pause_payments", "refund_status",
    "open_dispute", "update_email", "update_address", "change_payment_method", "explain_fee",
    "order_status", "greeting", "goodbye", "thanks", "affirm", "deny", "cancel", "talk_to_human",
    "hardship", "fraud", "bereavement", "complaint", "faq",
}  # fmt: skip


def test_that_the_demo_pack_knows_every_demo_intent(understander: Understander) -> None:
    intents = {example.intent for example in load_pack_examples(PACK_DIR)}
    assert intents >= DEMO_INTENTS


def test_that_the_test_set_is_separate_from_the_training_data() -> None:
    training = {example.text.casefold() for example in load_pack_examples(PACK_DIR)}
    testing = load_examples_yaml(TEST_SET)
    assert not [e.text for e in testing if e.text.casefold() in training]
    per_language: dict[str, int] = defaultdict(int)
    for example in testing:
        per_language[example.language] += 1
    assert len(per_language) >= 35 and min(per_language.values()) >= 10


def test_that_a_person_is_recognised_as_wanted_in_every_test_language(
    understander: Understander,
) -> None:
    requests = [e for e in load_examples_yaml(TEST_SET) if e.intent == TALK_TO_HUMAN]
    missed = [e.text for e in requests if not understander.understand(e.text).wants_human]
    assert len(missed) / len(requests) <= 0.01, missed


def test_that_intents_are_understood_across_languages(understander: Understander) -> None:
    examples = load_examples_yaml(TEST_SET)
    hits = 0
    for example in examples:
        result = understander.understand(example.text, conversation_language=example.language)
        expected = None if example.intent == OUT_OF_SCOPE else example.intent
        hits += (None if result.out_of_scope else result.intent) == expected
    assert hits / len(examples) >= 0.9


def test_that_one_message_yields_language_intent_entities_and_signals(
    understander: Understander,
) -> None:
    result = understander.understand(
        "Kan jag skjuta upp betalningen för ORD-123456 till den 15 december?",
        now=datetime(2026, 11, 23, 12, 0),
    )
    assert result.language == "sv"
    assert result.intent == "postpone_payment" and not result.out_of_scope
    assert {(e.kind, e.value) for e in result.entities} >= {
        ("order_id", "ORD-123456"),
        ("date", "2026-12-15"),
    }
    assert result.ranked[0] == (result.intent, result.confidence)
    assert not result.wants_human and result.frustration < 0.3


def test_that_a_question_outside_the_domain_is_out_of_scope(understander: Understander) -> None:
    result = understander.understand("What is the best recipe for lasagne?")
    assert result.out_of_scope and result.intent is None


def test_that_an_angry_repeated_complaint_scores_high_frustration(
    understander: Understander,
) -> None:
    result = understander.understand("THIRD TIME I WRITE!!! Where is my refund, this is a joke")
    assert result.frustration >= 0.5


def test_that_a_short_reply_keeps_the_conversation_language(understander: Understander) -> None:
    result = understander.understand("ja", conversation_language="de")
    assert result.language == "de"


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   ",
        "😀😀😀🙏",
        "\x00\x01\x02\x1b[31m",
        "a" * 10_000,
        "\ud800\udfff broken surrogates \udc80",
        "Hello مرحبا 你好 привет שלום ORD-123456 €5",
        "?!?!...",
    ],
)
def test_that_unreadable_input_never_raises_and_has_low_confidence(
    understander: Understander, text: str
) -> None:
    result = understander.understand(text, conversation_language="en")
    assert 0.0 <= result.confidence <= 1.0
    if not any(char.isalnum() for char in text):
        assert result.out_of_scope and result.confidence == 0.0
    result.text.encode("utf-8")


def test_that_invalid_utf8_from_a_caller_is_read_leniently(understander: Understander) -> None:
    raw = b"I want to talk to a human \xff\xfe\xc3"
    from_bytes = understander.understand(raw)  # type: ignore[arg-type]
    from_escaped = understander.understand(raw.decode("utf-8", "surrogateescape"))
    assert from_bytes.wants_human and from_escaped.wants_human
    from_escaped.text.encode("utf-8")


@pytest.mark.parametrize("language", ["en", "sv"])  # the light fast path, and n-grams alone
def test_that_the_full_model_reading_the_fast_models_ngram_rows_predicts_the_same(
    understander: Understander, language: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    cascade = understander.classifier
    texts = [e.text for e in load_examples_yaml(TEST_SET) if e.language == language][:40]
    assert cascade.fast.reads_the_same_ngrams(cascade.full)
    answered_fast = cascade.fast_answers
    together = cascade.predict(texts, language=language)  # some sure, some not: rows sliced
    one_by_one = [cascade.predict([text], language=language)[0] for text in texts]
    assert 0 < cascade.fast_answers - answered_fast < 2 * len(texts)  # both paths were taken
    monkeypatch.setattr(cascade, "_shares_ngrams", lambda _model: False)
    assert cascade.predict(texts, language=language) == together
    assert [cascade.predict([text], language=language)[0] for text in texts] == one_by_one


def test_that_a_remembered_text_is_not_classified_again_and_gets_the_same_answer(
    understander: Understander, monkeypatch: pytest.MonkeyPatch
) -> None:
    cascade = understander.classifier
    asked: list[str] = []
    predict = cascade.predict
    monkeypatch.setattr(
        cascade, "predict", lambda texts, *rest: asked.extend(texts) or predict(texts, *rest)
    )
    first = understander.understand("when is my next payment?")
    assert understander.understand("when is my next payment?") == first
    assert len(asked) == 2  # off unless a server turns it on
    understander.remember(2)
    try:
        asked.clear()
        for text in ("when is my next payment?", "thanks!", "when is my next payment?"):
            understander.understand(text)
        assert asked == ["when is my next payment?", "thanks!"]
        assert understander.understand("when is my next payment?") == first
        understander.understand("what is the late fee?")  # the third text: "thanks!" goes
        understander.understand("thanks!")
        assert asked[-1] == "thanks!" and len(asked) == 4
        understander.forget()
        understander.understand("what is the late fee?")
        assert len(asked) == 5
    finally:
        understander.remember(0)
