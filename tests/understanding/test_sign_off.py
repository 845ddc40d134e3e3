from __future__ import annotations

import pytest

from relaydesk.assistant.requests import split_requests
from relaydesk.assistant.understanding import Understander
from relaydesk.assistant.understanding.sign_off import without_sign_off


@pytest.mark.parametrize(
    ("text", "core"),
    [
        ("Hi, yes - Tom", "Hi, yes"),
        ("yes ... - Sofia", "yes"),
        ("Hallå, ja :) - Lars", "Hallå, ja"),
        ("Hej, ja 🙂 - Tom", "Hej, ja"),
        ("Can I pay on Friday? /Anna", "Can I pay on Friday?"),
        ("Hi — María José.", "Hi"),
        ("Tack \u2013 田中", "Tack"),
        ("Merci 👍🏽", "Merci"),
        ("yes 👨\u200d👩\u200d👧", "yes"),
        ("thanks!!! 😊😊", "thanks!!!"),
        ("so sad :(", "so sad"),
        ("wait…", "wait"),
    ],
)
def test_a_closing_name_and_trailing_emoji_are_not_part_of_the_request(
    text: str, core: str
) -> None:
    assert without_sign_off(text) == core


@pytest.mark.parametrize(
    "text",
    [
        "ok - yes",  # no capital: a word, not a name
        "call me at 10:30",
        "see https://example.com/",
        "ไม่",  # a Thai tone mark ends the word; it is no emoji
        "- Tom",  # nothing would be left
        "🙂",
        "",
    ],
)
def test_what_is_not_a_sign_off_stays(text: str) -> None:
    assert without_sign_off(text) == text


def test_a_signed_question_is_one_request() -> None:
    assert split_requests("When is my next payment? - Anna") == ["When is my next payment? - Anna"]
    assert split_requests("When is my next payment? What is the late fee? - Anna") == [
        "When is my next payment?",
        "What is the late fee?",
    ]


@pytest.mark.parametrize(
    ("signed", "plain"),
    [
        ("Hello, yes please 🙂 - Pedro", "Hello, yes please"),
        ("Good morning, what is the late fee? ... - Tom", "Good morning, what is the late fee?"),
        ("Hej, ja :) - Lars", "Hej, ja"),
    ],
)
def test_a_signed_message_means_what_it_says_unsigned(
    understander: Understander, signed: str, plain: str
) -> None:
    understander.forget()
    with_name, without = understander.understand(signed), understander.understand(plain)
    assert (with_name.intent, with_name.confidence) == (without.intent, without.confidence)
    assert with_name.text == signed  # the customer's words are kept as written
