"""Reading conversation histories and agents for reports (SQLAlchemy Core, read-only)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Engine, select

from relaydesk.analytics.facts import ConversationHistory
from relaydesk.analytics.metrics import (
    DEFAULT_SLA_RESOLUTION_S,
    REPEAT_WINDOW,
    AgentInfo,
    build_report,
)
from relaydesk.analytics.report import Report, ReportFilter
from relaydesk.domain.business_hours import TeamHours
from relaydesk.domain.model import ConversationId, Event, EventId, EventKind, Source
from relaydesk.store.tables import agents, conversations, events

CHUNK = 500
EVENT_COLUMNS = (
    events.c.id,
    events.c.conversation_id,
    events.c.seq,
    events.c.kind,
    events.c.source,
    events.c.data,
    events.c.caused_by,
    events.c.actor_id,
    events.c.created_at,
)


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _event(row: Any) -> Event:
    # Message texts are not needed for any metric; leaving them out keeps reports fast.
    return Event(
        id=EventId(row.id),
        conversation_id=ConversationId(row.conversation_id),
        seq=row.seq,
        kind=EventKind.stored(row.kind, row.data),
        source=Source(row.source),
        created_at=_aware(row.created_at),
        data=dict(row.data or {}),
        caused_by=EventId(row.caused_by) if row.caused_by else None,
        actor_id=row.actor_id,
    )


def load_histories(engine: Engine, since: datetime, until: datetime) -> list[ConversationHistory]:
    """Conversations created in [since, until), each with all its events."""
    with engine.connect() as conn:
        found = conn.execute(
            select(
                conversations.c.id,
                conversations.c.customer_id,
                conversations.c.language,
                conversations.c.channel,
                conversations.c.created_at,
            )
            .where(conversations.c.created_at >= since, conversations.c.created_at < until)
            .order_by(conversations.c.created_at)
        ).all()
        by_conversation: dict[str, list[Event]] = defaultdict(list)
        ids = [row.id for row in found]
        for start in range(0, len(ids), CHUNK):
            rows = conn.execute(
                select(*EVENT_COLUMNS)
                .where(events.c.conversation_id.in_(ids[start : start + CHUNK]))
                .order_by(events.c.conversation_id, events.c.seq)
            ).all()
            for row in rows:
                by_conversation[row.conversation_id].append(_event(row))
    return [
        ConversationHistory(
            id=row.id,
            customer_id=row.customer_id,
            language=row.language,
            channel=row.channel,
            created_at=_aware(row.created_at),
            events=by_conversation.get(row.id, []),
        )
        for row in found
    ]


def load_agents(engine: Engine) -> dict[str, AgentInfo]:
    with engine.connect() as conn:
        rows = conn.execute(select(agents.c.id, agents.c.display_name, agents.c.capacity)).all()
    return {row.id: AgentInfo(row.display_name, int(row.capacity)) for row in rows}


def report_from_store(
    engine: Engine,
    wanted: ReportFilter,
    sla_first_response_s: float = 300.0,
    hours: TeamHours | None = None,
    sla_resolution_s: float = DEFAULT_SLA_RESOLUTION_S,
) -> Report:
    """The report for `wanted`, reading a week past its end to find repeat inquiries; with
    business hours, the SLA breach rates count open time only."""
    histories = load_histories(engine, wanted.since, wanted.until + REPEAT_WINDOW)
    agents_found = load_agents(engine)
    return build_report(
        histories, wanted, agents_found, sla_first_response_s, hours, sla_resolution_s
    )


def filter_values(engine: Engine) -> dict[str, Sequence[str]]:
    """The languages and channels present, for the dashboard's filter menus."""
    with engine.connect() as conn:
        languages = conn.execute(select(conversations.c.language).distinct()).scalars().all()
        channels = conn.execute(select(conversations.c.channel).distinct()).scalars().all()
    return {
        "languages": sorted({lang for lang in languages if lang}),
        "channels": sorted({c for c in channels if c}),
    }
