"""Phrase lists: whole words, prefixes, and scripts written without spaces."""

import pytest

from relaydesk.assistant.understanding.phrases import fold, phrase_pattern

PATTERN = phrase_pattern(["no way", "scam", "lawyer*", "人工", "ridiculous"])


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("This is a SCAM, no way!", ["scam", "no way"]),
        ("I will call my lawyers", ["lawyer"]),  # a starred term starts longer words
        ("scammer", []),  # a plain term is a whole word only
        ("noway", []),
        ("转人工客服", ["人工"]),  # no spaces: anywhere
        ("utterly ridiculous.", ["ridiculous"]),
        ("nothing here", []),
    ],
)
def test_terms_are_found_as_their_kind_allows(text: str, found: list[str]) -> None:
    assert PATTERN.findall(fold(text)) == found


def test_with_prefixes_every_term_starts_longer_words() -> None:
    assert phrase_pattern(["talk"], prefixes=True).findall("talking to you") == ["talk"]


def test_an_empty_list_matches_nothing() -> None:
    assert phrase_pattern([]).search("anything") is None
