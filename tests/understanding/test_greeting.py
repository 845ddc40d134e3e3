"""A greeting that opens a message does not send a clear request to the full model."""

from typing import Any

import pytest

from relaydesk.assistant.engine import PackAssistant
from relaydesk.assistant.understanding.datasets import Example
from relaydesk.assistant.understanding.greeting import OpeningGreetings

GREETINGS = OpeningGreetings.of(
    [
        Example("Hi!", "greeting"),
        Example("Hey there", "greeting"),
        Example("Hej", "greeting", "sv"),
        Example("Hej hej", "greeting", "sv"),
        Example("hello is anyone there", "greeting"),
        Example("yes", "affirm"),  # another intent's example is no greeting
    ]
)


@pytest.mark.parametrize(
    ("text", "asked"),
    [
        ("Hi, yes", "yes"),
        ("hey there! When is my next payment?", "When is my next payment?"),
        ("Hej hej - vilka avgifter har ni?", "vilka avgifter har ni?"),  # the longer greeting
        ("Hi, ¿cuánto cuesta?", "¿cuánto cuesta?"),
    ],
)
def test_the_greeting_a_message_opens_with_is_taken_off(text: str, asked: str) -> None:
    assert GREETINGS.without(text) == asked


@pytest.mark.parametrize(
    "text",
    [
        "Hi!",  # the greeting is all there is
        "Hi, 🙂",
        "Hi can I pay later",  # nothing sets the greeting apart
        "History, please",  # a word that starts like one
        "yes, please",
        "hello is anyone there",
    ],
)
def test_a_message_without_an_opening_greeting_is_left_as_it_is(text: str) -> None:
    assert GREETINGS.without(text) == text


def test_a_pack_without_greetings_takes_nothing_off() -> None:
    assert OpeningGreetings(()).without("Hi, yes") == "Hi, yes"


def full_model_reads(assistant: PackAssistant, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    understander = assistant.parts.understander
    understander.forget()  # every text is read afresh
    full = understander.classifier.full
    read: list[str] = []
    predict = full.predict

    def counting(texts: Any, *rest: Any) -> Any:
        read.extend(texts)
        return predict(texts, *rest)

    monkeypatch.setattr(full, "predict", counting)
    return read


def test_a_greeted_yes_is_understood_without_the_full_model(
    demo_assistant: PackAssistant, monkeypatch: pytest.MonkeyPatch
) -> None:
    read = full_model_reads(demo_assistant, monkeypatch)
    understander = demo_assistant.parts.understander
    assert understander.understand("Hey there, yes please", "en").intent == "affirm"
    assert understander.understand("Hallå, ja", "sv").intent == "affirm"
    assert read == []


def test_a_greeting_with_no_clear_request_after_it_is_still_read_whole(
    demo_assistant: PackAssistant,
) -> None:
    # read alone, "mam pytanie" (I have a question) sounds like asking for a person
    understood = demo_assistant.parts.understander.understand("Dzień dobry, mam pytanie", "pl")
    assert understood.intent == "greeting"
