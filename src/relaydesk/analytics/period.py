"""Reading report periods the way operators write them: `7d`, `24h`, `2w` or a date."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

from relaydesk.analytics.report import ReportFilter
from relaydesk.domain.errors import InvalidInput

RELATIVE = re.compile(r"^(\d{1,4})([hdw])$")
UNITS = {"h": timedelta(hours=1), "d": timedelta(days=1), "w": timedelta(weeks=1)}
# Reports compare a period with the one before it, so both ends stay well inside the dates
# the database and Python can represent.
EARLIEST = datetime(2000, 1, 1, tzinfo=UTC)
LATEST_AHEAD = timedelta(days=366)


def parse_moment(text: str, now: datetime) -> datetime:
    """`7d` (seven days before now), `24h`, `2w`, or an ISO date or date-time (UTC if naive)."""
    text = text.strip()
    found = RELATIVE.match(text)
    if found:
        return now - int(found.group(1)) * UNITS[found.group(2)]
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise InvalidInput(
            f"{text!r} is not a period like 7d, 24h or 2w, nor a date like 2026-11-16."
        ) from None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _reportable(moment: datetime, text: str, now: datetime) -> datetime:
    if not EARLIEST <= moment <= now + LATEST_AHEAD:
        raise InvalidInput(
            f"{text.strip()!r} is outside the dates a report covers: from 2000-01-01 to a "
            "year from now."
        )
    return moment


def report_filter(
    since: str,
    until: str | None = None,
    *,
    language: str | None = None,
    intent: str | None = None,
    channel: str | None = None,
    now: datetime | None = None,
) -> ReportFilter:
    """A report filter from operator-written bounds; `until` defaults to now."""
    now = now or datetime.now(UTC)
    start = _reportable(parse_moment(since, now), since, now)
    end = _reportable(parse_moment(until, now), until, now) if until else now
    if start >= end:
        raise InvalidInput("The period must start before it ends: since comes before until.")
    return ReportFilter(
        since=start,
        until=end,
        language=language or None,
        intent=intent or None,
        channel=channel or None,
    )
