# ruff: noqa: RUF001  (messages in many scripts on purpose)
from __future__ import annotations

import pytest

from relaydesk.assistant.understanding.frustration import frustration_score
from relaydesk.assistant.understanding.human_request import asks_for_human


def test_that_a_calm_question_has_no_frustration() -> None:
    assert frustration_score("Hi, when is my next payment due?") == 0.0


@pytest.mark.parametrize(
    "text",
    [
        "THIS IS THE THIRD TIME I ASK, WHERE IS MY MONEY!!!",
        "Das ist eine Frechheit, schon wieder keine Antwort!",
        "Esto es inaceptable, otra vez sin reembolso 😡",
        "你们是骗子，第三次了",
    ],
)
def test_that_anger_repetition_and_shouting_raise_frustration(text: str) -> None:
    assert frustration_score(text) >= 0.5


def test_that_more_signals_mean_more_frustration_and_never_above_one() -> None:
    mild = frustration_score("this is annoying")
    strong = frustration_score("THIS IS RIDICULOUS AND UNACCEPTABLE, STILL NOTHING AGAIN!!! 😡")
    assert 0 < mild < strong <= 1.0


@pytest.mark.parametrize(
    "text",
    [
        "I want to talk to a human",
        "Jag vill prata med en människa",
        "Kann ich mit einem Menschen sprechen?",
        "Je veux parler à un conseiller",
        "Quiero hablar con una persona",
        "Хочу поговорить с оператором",
        "상담원 연결해 주세요",
        "转人工",
        "Can I speak to someone?",
        "agent",
    ],
)
def test_that_asking_for_a_person_is_recognised_by_words_alone(text: str) -> None:
    assert asks_for_human(text)


@pytest.mark.parametrize(
    "text",
    [
        "Someone else used my card",
        "my personal details are wrong",
        "다른 사람이 내 카드를 썼어요",
        "what is on my agenda",
        "When is my next payment?",
    ],
)
def test_that_everyday_uses_of_person_words_are_not_a_request_for_one(text: str) -> None:
    assert not asks_for_human(text)
