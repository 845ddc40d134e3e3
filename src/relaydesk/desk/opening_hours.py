"""Business hours from settings, and "back on Monday 09:00" in the customer's own language."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

from babel import Locale, UnknownLocaleError
from babel.dates import format_skeleton

from relaydesk.domain.business_hours import OpeningHours, TeamHours
from relaydesk.settings import OpeningHoursSetting

DEFAULT_TEAM = "default"


def opening_hours(setting: OpeningHoursSetting) -> OpeningHours:
    week = tuple(tuple(spans) for spans in setting.week())
    return OpeningHours(
        zone=ZoneInfo(setting.timezone),
        week=week,  # type: ignore[arg-type]  # always seven days, from WEEKDAYS
        holidays=frozenset(setting.holidays),
    )


def team_hours(settings: Mapping[str, OpeningHoursSetting]) -> TeamHours:
    """The configured hours: "default" for everyone, other keys for the team of that skill."""
    teams = {name: opening_hours(hours) for name, hours in settings.items()}
    default = teams.pop(DEFAULT_TEAM, None)
    return TeamHours(default=default, teams=teams)


def back_at_words(moment: datetime, hours: OpeningHours, language: str | None) -> str:
    """The opening moment as the customer reads it, in the team's zone: "Mon, Dec 7 09:00
    (Europe/Stockholm)"."""
    try:
        locale = Locale.parse((language or "en").replace("-", "_"))
    except (UnknownLocaleError, ValueError):
        locale = Locale.parse("en")
    day = format_skeleton("MMMEd", moment, tzinfo=hours.zone, locale=locale)
    time = format_skeleton("Hm", moment, tzinfo=hours.zone, locale=locale)
    return f"{day} {time} ({hours.zone})"


@dataclass(frozen=True)
class TeamHoursRow:
    """One team's hours as the team page shows them."""

    team: str
    timezone: str
    days: dict[str, str]
    holidays: list[date]  # the coming ones
    closed_until: datetime | None  # None: open now


def hours_overview(
    settings: Mapping[str, OpeningHoursSetting], hours: TeamHours, now: datetime
) -> list[TeamHoursRow]:
    """Every configured team, the default first, with whether it is open now."""
    names = sorted(settings, key=lambda name: (name != DEFAULT_TEAM, name))
    return [
        TeamHoursRow(
            team=name,
            timezone=settings[name].timezone,
            days=dict(settings[name].days),
            holidays=sorted(day for day in settings[name].holidays if day >= now.date())[:6],
            closed_until=hours.closed_until(None if name == DEFAULT_TEAM else name, now),
        )
        for name in names
    ]
