"""What the digest reads beyond the report: the comments customers left with their rating."""

from __future__ import annotations

from sqlalchemy import Engine, select

from relaydesk.analytics.report import ReportFilter
from relaydesk.domain.model import EventKind, Source
from relaydesk.store.tables import events

COMMENTS = 5


def csat_comments(
    engine: Engine, wanted: ReportFilter, limit: int = COMMENTS
) -> list[tuple[int, str]]:
    """The newest rating comments of the period, lowest scores first: (score, comment)."""
    query = (
        select(events.c.data)
        .where(
            events.c.kind == EventKind.SIGNAL.value,
            events.c.source == Source.CUSTOMER.value,
            events.c.created_at >= wanted.since,
            events.c.created_at < wanted.until,
        )
        .order_by(events.c.created_at.desc())
    )
    with engine.connect() as conn:
        found = [
            (int(data["csat"]), str(data["comment"]))
            for (data,) in conn.execute(query)
            if isinstance(data, dict) and isinstance(data.get("csat"), int) and data.get("comment")
        ]
    return sorted(found[: limit * 4], key=lambda pair: pair[0])[:limit]
