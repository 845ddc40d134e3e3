"""What the digest reads beyond the report: the comments customers left with their rating."""

from __future__ import annotations

from sqlalchemy import Engine, select

from relaydesk.analytics.report import ReportFilter
from relaydesk.domain.model import EventKind
from relaydesk.domain.payloads import CsatRated
from relaydesk.store.tables import events

COMMENTS = 5


def csat_comments(
    engine: Engine, wanted: ReportFilter, limit: int = COMMENTS
) -> list[tuple[int, str]]:
    """The newest rating comments of the period, lowest scores first: (score, comment)."""
    query = (
        select(events.c.data)
        .where(
            events.c.kind == EventKind.CSAT_RATING.value,
            events.c.created_at >= wanted.since,
            events.c.created_at < wanted.until,
        )
        .order_by(events.c.created_at.desc())
    )
    with engine.connect() as conn:
        ratings = [CsatRated.read(data or {}) for (data,) in conn.execute(query)]
        found = [(r.score, r.comment) for r in ratings if r is not None and r.comment]
    return sorted(found[: limit * 4], key=lambda pair: pair[0])[:limit]
