"""When people are at work: weekly opening hours per team, closed on holidays.

The assistant answers at any hour; these hours say when a person can. Outside them a waiting
customer is told when people are back, and the SLA clocks only count open time. Times are
wall-clock times in the team's own time zone, so a change to summer time moves nothing.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta, tzinfo

DAY_MINUTES = 24 * 60
HORIZON_DAYS = 400  # a schedule closed for longer than this is treated as never opening

# One day's opening spans as minutes after midnight, e.g. ((540, 1020),) for 09:00-17:00.
DaySpans = tuple[tuple[int, int], ...]


@dataclass(frozen=True)
class OpeningHours:
    """One team's week (Monday first) in its time zone, and the dates it is closed."""

    zone: tzinfo
    week: tuple[DaySpans, DaySpans, DaySpans, DaySpans, DaySpans, DaySpans, DaySpans]
    holidays: frozenset[date] = field(default_factory=frozenset)

    def is_open(self, at: datetime) -> bool:
        return any(start <= at < end for start, end in self._spans(at, at + timedelta(days=1)))

    def next_opening(self, at: datetime) -> datetime | None:
        """`at` itself when open, else when the team opens next (None: not within a year)."""
        for start, end in self._spans(at, at + timedelta(days=HORIZON_DAYS)):
            if end > at:
                return max(start, at)
        return None

    def add_open_time(self, start: datetime, span: timedelta) -> datetime | None:
        """The moment `span` of open time has passed since `start` (None: never)."""
        left = span
        for opens, closes in self._spans(start, start + timedelta(days=HORIZON_DAYS)):
            opens = max(opens, start)
            if closes <= opens:
                continue
            if closes - opens >= left:
                return opens + left
            left -= closes - opens
        return None

    def open_time_between(self, start: datetime, end: datetime) -> timedelta:
        """How much of [start, end) the team was open."""
        total = timedelta()
        for opens, closes in self._spans(start, end):
            overlap = min(closes, end) - max(opens, start)
            if overlap > timedelta():
                total += overlap
        return total

    def _spans(self, start: datetime, end: datetime) -> Iterator[tuple[datetime, datetime]]:
        """Open spans (aware, UTC) of every local day from the day before `start` to `end`."""
        day = start.astimezone(self.zone).date() - timedelta(days=1)
        last = end.astimezone(self.zone).date()
        while day <= last:
            if day not in self.holidays:
                midnight = datetime.combine(day, time(0), self.zone)
                for first, past in self.week[day.weekday()]:
                    yield _at(midnight, first), _at(midnight, past)
            day += timedelta(days=1)


def _at(midnight: datetime, minutes: int) -> datetime:
    # Aware arithmetic within one zone is wall-clock time: 09:00 stays 09:00 across DST.
    return (midnight + timedelta(minutes=minutes)).astimezone(UTC)


@dataclass(frozen=True)
class TeamHours:
    """Opening hours by team (a skill); teams without their own follow the default.

    No hours at all means people are always reachable, as before hours were configured.
    """

    default: OpeningHours | None = None
    teams: Mapping[str, OpeningHours] = field(default_factory=dict)

    def for_team(self, team: str | None) -> OpeningHours | None:
        if team is not None and team in self.teams:
            return self.teams[team]
        return self.default

    def closed_until(self, team: str | None, at: datetime) -> datetime | None:
        """When the team opens again if it is closed at `at`, else None (open, or no hours)."""
        hours = self.for_team(team)
        if hours is None or hours.is_open(at):
            return None
        return hours.next_opening(at) or at + timedelta(days=HORIZON_DAYS)

    def due(self, team: str | None, since: datetime, span: timedelta) -> datetime | None:
        """When a target of `span` breaks, counting only the team's open time."""
        hours = self.for_team(team)
        return since + span if hours is None else hours.add_open_time(since, span)


ALWAYS_OPEN = TeamHours()
