"""The report operators read: starting at the first data, beside the period just before it.

A period asked for before anything happened starts on the day of the first conversation, so
charts do not open with empty days; every headline number carries the same number over the
period of the same length just before, when there was data then.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

from sqlalchemy import Engine, func, select

from relaydesk.analytics.gap_closing import KnowledgeSearch
from relaydesk.analytics.insight_store import insight
from relaydesk.analytics.metrics import DEFAULT_SLA_RESOLUTION_S
from relaydesk.analytics.queries import _aware, report_from_store
from relaydesk.analytics.report import Report, ReportFilter
from relaydesk.assistant.embeddings import Embedder
from relaydesk.domain.business_hours import TeamHours
from relaydesk.store.tables import conversations


def first_activity(engine: Engine) -> datetime | None:
    """When the first conversation started, if any did."""
    with engine.connect() as conn:
        first = conn.execute(select(func.min(conversations.c.created_at))).scalar()
    return _aware(first) if first is not None else None


def from_first_data(wanted: ReportFilter, first: datetime | None) -> ReportFilter:
    """The period, starting no earlier than the day of the first conversation."""
    if first is None:
        return wanted
    day_start = first.replace(hour=0, minute=0, second=0, microsecond=0)
    if wanted.since >= day_start or day_start >= wanted.until:
        return wanted
    return replace(wanted, since=day_start)


def previous_period(wanted: ReportFilter) -> ReportFilter:
    """The period of the same length that ends where this one starts, same narrowing."""
    return replace(wanted, since=wanted.since - (wanted.until - wanted.since), until=wanted.since)


def compared_report(
    engine: Engine,
    wanted: ReportFilter,
    embedder: Embedder | None = None,
    sla_first_response_s: float = 300.0,
    knowledge: KnowledgeSearch | None = None,
    hours: TeamHours | None = None,
    sla_resolution_s: float = DEFAULT_SLA_RESOLUTION_S,
) -> Report:
    """The report from the first data on, with the previous period's values beside it, and
    (given the assistant's embedder) knowledge gaps, contact reasons and spikes; given the
    assistant's knowledge, gaps it now answers are marked closed; given business hours, the
    SLA breach rates count open time only."""
    first = first_activity(engine)
    wanted = from_first_data(wanted, first)
    current = report_from_store(engine, wanted, sla_first_response_s, hours, sla_resolution_s)
    before = None if first is None or first >= wanted.since else previous_period(wanted)
    if before is not None:
        earlier = report_from_store(engine, before, sla_first_response_s, hours, sla_resolution_s)
        values = {metric.key: metric.value for metric in earlier.metrics}
        current = replace(current, previous=values, previous_filter=before)
    if embedder is not None:
        # A previous period only partly covered by data would make every intent look new.
        baseline = before if before is not None and first and first <= before.since else None
        current = replace(current, insight=insight(engine, wanted, baseline, embedder, knowledge))
    return current
