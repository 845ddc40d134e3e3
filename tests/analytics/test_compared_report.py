"""The dashboard's report starts at the first data and compares with the period before."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import Engine, update

from relaydesk.analytics.compared import compared_report
from relaydesk.analytics.period import report_filter
from relaydesk.domain.model import EventKind, NewEvent, Owner, Source
from relaydesk.domain.ownership import Transition, apply_transition
from relaydesk.store.conversations import ConversationStore
from relaydesk.store.tables import conversations, events

NOW = datetime(2026, 11, 30, 12, 0, tzinfo=UTC)


def conversation_at(engine: Engine, days_ago: float, *, escalated: bool = False) -> None:
    store = ConversationStore(engine)
    customer = store.ensure_customer(None, "Ann", "en")
    started = store.create_conversation(customer.id, "web", "en")
    said = NewEvent(kind=EventKind.MESSAGE, source=Source.CUSTOMER, text="Where is my refund?")
    store.append(started.id, [said])
    if escalated:
        change = apply_transition(Owner.ASSISTANT, Transition.ESCALATE)
        escalation = NewEvent(
            kind=EventKind.OWNER_CHANGED,
            source=Source.ASSISTANT,
            data={
                "transition": "escalate",
                "from": "assistant",
                "to": "queued",
                "reason": "asked_for_human",
            },
        )
        store.append(started.id, [escalation], owner_change=(change, started.version))
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


def test_every_headline_number_carries_its_change_against_the_period_before(
    engine: Engine,
) -> None:
    conversation_at(engine, 10, escalated=True)
    conversation_at(engine, 9)
    for days_ago in (6, 5, 4, 3):
        conversation_at(engine, days_ago, escalated=days_ago == 3)

    found = compared_report(engine, report_filter("7d", now=NOW))
    body = found.as_dict()

    assert found.value("conversations") == 4 and found.previous["conversations"] == 2
    changes = body["previous"]["changes"]
    assert changes["conversations"]["relative"] == 100.0
    assert changes["handoff_rate"]["points"] == -25.0  # 25 % now against 50 % before
    assert body["previous"]["filter"]["until"] == found.filter.since.isoformat()


def test_a_period_asked_for_before_anything_happened_starts_on_the_first_day(
    engine: Engine,
) -> None:
    conversation_at(engine, 2.5)
    conversation_at(engine, 1)

    found = compared_report(engine, report_filter("30d", now=NOW))

    first_day = (NOW - timedelta(days=2.5)).replace(hour=0, minute=0)
    assert found.filter.since == first_day
    assert found.tables["daily"].rows[0][:2] == (first_day.date().isoformat(), 1)
    assert found.previous == {} and found.as_dict()["previous"]["filter"] is None


def test_tables_show_percentages_not_fractions(engine: Engine) -> None:
    conversation_at(engine, 2, escalated=True)
    conversation_at(engine, 1)
    found = compared_report(engine, report_filter("7d", now=NOW))
    languages = found.tables["languages"]
    assert languages.columns == (
        "language",
        "conversations",
        "assistant_resolved_pct",
        "hand_off_pct",
    )
    assert languages.rows == [("en", 2, 0.0, 50.0)]
    reasons = found.tables["handoff_reasons"]
    assert reasons.rows == [("asked_for_human", 1, 100.0)]
