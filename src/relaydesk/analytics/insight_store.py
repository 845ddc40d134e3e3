"""Reading what the insight needs from stored events: unanswered questions and contact reasons."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import Engine, select

from relaydesk.analytics.emerging import EMERGING_TEST, emerging_topics
from relaydesk.analytics.gap_closing import KnowledgeSearch, mark_closed
from relaydesk.analytics.insight import (
    LOW_CONFIDENCE,
    Unanswered,
    contact_reasons,
    find_spikes,
    group_gaps,
    per_day,
)
from relaydesk.analytics.queries import _aware
from relaydesk.analytics.report import ReportFilter
from relaydesk.assistant.embeddings import Embedder
from relaydesk.domain.message_payloads import MessageSaid
from relaydesk.domain.model import EventKind, Source
from relaydesk.domain.payloads import OwnerChanged
from relaydesk.domain.turn_payloads import AssistantTurn
from relaydesk.store.tables import conversations, events

# Answers to the assistant's questions and pleasantries are not reasons to contact.
CONVERSATIONAL = frozenset({"affirm", "deny", "cancel", "greeting", "thanks", "goodbye"})
KINDS = (EventKind.MESSAGE.value, EventKind.ASSISTANT_TURN.value, EventKind.OWNER_CHANGED.value)


def _rows(engine: Engine, since: datetime, until: datetime, wanted: ReportFilter) -> list[Any]:
    query = (
        select(events.c.id, events.c.conversation_id, events.c.kind, events.c.source,
               events.c.text, events.c.data, events.c.caused_by, events.c.created_at,
               conversations.c.language, conversations.c.created_at.label("started"))
        .join(conversations, conversations.c.id == events.c.conversation_id)
        .where(conversations.c.created_at >= since, conversations.c.created_at < until,
               events.c.kind.in_(KINDS))
        .order_by(events.c.conversation_id, events.c.seq)
    )  # fmt: skip
    if wanted.channel:
        query = query.where(conversations.c.channel == wanted.channel)
    if wanted.language:
        query = query.where(conversations.c.language.like(f"{wanted.language}%"))
    with engine.connect() as conn:
        return list(conn.execute(query).all())


def why_unanswered(turn: Sequence[Any]) -> str | None:
    """Why a turn did not answer its message, or None when it did."""
    said = {MessageSaid.read(r.data or {}).reply_key for r in turn if r.kind == EventKind.MESSAGE}
    understood = next(
        (AssistantTurn.read(r.data or {}) for r in turn if r.kind == EventKind.ASSISTANT_TURN),
        AssistantTurn(),
    )
    escalation = next(
        (OwnerChanged.read(r.data or {}).reason for r in turn if r.kind == EventKind.OWNER_CHANGED),
        None,
    )
    if understood.intent in CONVERSATIONAL:
        return None  # a "yes" or "thanks" not understood is no question the articles miss
    if understood.unanswered or "no_answer" in said:
        return "no_answer"
    if understood.out_of_scope:
        return "out_of_scope"
    if "clarify" in said:
        return "clarified"
    if escalation == "low_confidence":
        return "handed_over"
    confidence = understood.confidence
    unsure = confidence is not None and confidence < LOW_CONFIDENCE
    if "knowledge.answer" in said and unsure:
        return "low_confidence"
    return None


def unanswered(rows: Sequence[Any], wanted: ReportFilter) -> list[Unanswered]:
    """Customer messages in the period whose turn did not answer them."""
    turns: dict[str, list[Any]] = defaultdict(list)
    for row in rows:
        if row.caused_by:
            turns[row.caused_by].append(row)
    found = []
    for row in rows:
        asked = row.kind == EventKind.MESSAGE.value and row.source == Source.CUSTOMER.value
        moment = _aware(row.created_at)
        if not asked or not row.text or not wanted.since <= moment < wanted.until:
            continue
        why = why_unanswered(turns.get(row.id, []))
        if why is not None:
            found.append(Unanswered(row.text, row.language, why, moment.date()))
    return found


def contacts(rows: Sequence[Any]) -> list[tuple[str, date]]:
    """(intent, day) per conversation: the first intent the assistant was confident about."""
    named: dict[str, tuple[str, date]] = {}
    for row in rows:
        if row.conversation_id in named or row.kind != EventKind.ASSISTANT_TURN:
            continue
        understood = AssistantTurn.read(row.data or {})
        intent, confidence = understood.named_intent(), understood.confidence
        if not intent or intent in CONVERSATIONAL:
            continue
        if confidence is not None and confidence >= LOW_CONFIDENCE:
            named[row.conversation_id] = (intent, _aware(row.started).date())
    return list(named.values())


def period_days(wanted: ReportFilter) -> list[date]:
    first, last = wanted.since.date(), (wanted.until - timedelta(microseconds=1)).date()
    return [first + timedelta(days=n) for n in range((last - first).days + 1)]


def insight(
    engine: Engine,
    wanted: ReportFilter,
    previous: ReportFilter | None,
    embedder: Embedder,
    knowledge: KnowledgeSearch | None = None,
) -> dict[str, Any]:
    """Knowledge gaps (closed where `knowledge` now answers them, emerging ones marked), contact
    reasons against the previous period, and spikes."""
    start = previous.since if previous else wanted.since
    rows = _rows(engine, start, wanted.until, wanted)
    pairs = contacts(rows)
    current = per_day([(i, d) for i, d in pairs if d >= wanted.since.date()])
    before = [i for i, d in pairs if d < wanted.since.date()] if previous else []
    baseline = {intent: before.count(intent) for intent in set(before)}
    baseline_days = len(period_days(previous)) if previous else 0
    gaps = unanswered(rows, wanted)
    groups = group_gaps(gaps, embedder)
    scale = (wanted.until - wanted.since) / (previous.until - previous.since) if previous else 1
    trends = emerging_topics(
        groups, unanswered(rows, previous) if previous else None, embedder, scale
    )
    clusters = [
        ({**group.as_dict(), **trend}, group.questions)
        for group, trend in zip(groups, trends, strict=True)
    ]
    return {
        "knowledge_gaps": (
            mark_closed(clusters, knowledge) if knowledge else [gap for gap, _ in clusters]
        ),
        "unanswered": len(gaps),
        "contact_reasons": contact_reasons(current, baseline if previous else None),
        "spikes": [
            s.as_dict() for s in find_spikes(current, period_days(wanted), baseline, baseline_days)
        ],
        "spike_test": "one-sided Poisson test per intent and day against the previous "
        "period's daily rate (or the period's other days), alpha 0.01 with Bonferroni, "
        "at least 5 contacts and twice the expected count",
        "emerging_test": EMERGING_TEST if previous else "no previous period covered by data",
    }
