"""Operator metrics over conversation facts: pure functions, each defined in docs/metrics.md."""

from __future__ import annotations

import itertools
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from relaydesk.analytics.facts import (
    ConversationFacts,
    ConversationHistory,
    facts_of,
)
from relaydesk.analytics.model_calls import model_table
from relaydesk.analytics.report import Metric, Report, ReportFilter, ReportTable
from relaydesk.analytics.stats import mean, percent, percentile, rounded, share
from relaydesk.domain.business_hours import TeamHours

REPEAT_WINDOW = timedelta(days=7)
DEFAULT_SLA_FIRST_RESPONSE_S = 300.0  # settings.sla_first_response_minutes, in seconds
DEFAULT_SLA_RESOLUTION_S = 4 * 3600.0  # settings.sla_resolution_minutes, in seconds
FTE_HOURS_PER_WEEK = 40.0
DEFAULT_HANDLE_MINUTES = 8.0
FORMULAS = {
    "agent_hours_saved": (
        "assistant-resolved conversations x mean human handle time per human-involved "
        "conversation (minutes) / 60"
    ),
    "fte_saved": "agent-hours saved / (40 h x days in the range / 7)",
    "agent_utilisation": "sum of handle time / sum over agent-days of (capacity x working span)",
}


@dataclass(frozen=True)
class AgentInfo:
    name: str
    capacity: int


def repeated_ids(facts: Iterable[ConversationFacts]) -> set[str]:
    """Conversations followed by a repeat inquiry.

    A repeat is a later conversation of the same customer with the same intent that starts
    within 7 days of this one ending (its final close, or its start if it never closed).
    """
    by_topic: dict[tuple[str, str], list[ConversationFacts]] = defaultdict(list)
    for fact in facts:
        if fact.intent is not None:
            by_topic[(fact.customer_id, fact.intent)].append(fact)
    repeated: set[str] = set()
    for group in by_topic.values():
        group.sort(key=lambda f: f.started_at)
        for earlier, later in itertools.pairwise(group):
            ended = earlier.closed_at or earlier.started_at
            if later.started_at - max(ended, earlier.started_at) <= REPEAT_WINDOW:
                repeated.add(earlier.id)
    return repeated


def _base_language(language: str | None) -> str | None:
    return language.replace("_", "-").split("-")[0].lower() if language else None


def matches(fact: ConversationFacts, wanted: ReportFilter) -> bool:
    """Whether a conversation is in the report: started in range and matching each filter."""
    if not wanted.since <= fact.started_at < wanted.until:
        return False
    if wanted.language and _base_language(fact.language) != _base_language(wanted.language):
        return False
    if wanted.intent and fact.intent != wanted.intent:
        return False
    return not (wanted.channel and fact.channel != wanted.channel)


def assistant_resolved(fact: ConversationFacts, repeated: set[str]) -> bool:
    """Closed without a person being asked for, and not followed by a repeat inquiry."""
    return fact.closed_by_assistant_side and fact.id not in repeated


def _handle_total(fact: ConversationFacts) -> float:
    return sum(span.seconds or 0.0 for span in fact.handle_spans)


def _working_seconds(facts: Sequence[ConversationFacts]) -> dict[str, float]:
    """Per agent: the sum over days of (last leave - first claim) that day."""
    days: dict[tuple[str, date], tuple[datetime, datetime]] = {}
    for fact in facts:
        for span in fact.handle_spans:
            if span.left_at is None:
                continue
            key = (span.agent_id, span.claimed_at.date())
            first, last = days.get(key, (span.claimed_at, span.left_at))
            days[key] = (min(first, span.claimed_at), max(last, span.left_at))
    working: dict[str, float] = defaultdict(float)
    for (agent_id, _day), (first, last) in days.items():
        working[agent_id] += (last - first).total_seconds()
    return working


def agent_table(
    facts: Sequence[ConversationFacts], agents: Mapping[str, AgentInfo]
) -> tuple[ReportTable, float | None]:
    """Per agent: conversations, handle time and utilisation; and the team's utilisation."""
    handled: dict[str, list[float]] = defaultdict(list)
    for fact in facts:
        for span in fact.handle_spans:
            if span.seconds is not None:
                handled[span.agent_id].append(span.seconds)
    working = _working_seconds(facts)
    table = ReportTable(
        "Agents",
        ("agent", "conversations", "handle_hours", "mean_handle_minutes", "utilisation_pct"),
    )
    busy_total = capacity_total = 0.0
    for agent_id in sorted(handled, key=lambda a: agents.get(a, AgentInfo(a, 1)).name):
        info = agents.get(agent_id, AgentInfo(agent_id, 1))
        busy = sum(handled[agent_id])
        available = working.get(agent_id, 0.0) * info.capacity
        busy_total, capacity_total = busy_total + busy, capacity_total + available
        table.rows.append(
            (
                info.name,
                len(handled[agent_id]),
                rounded(busy / 3600),
                rounded((mean(handled[agent_id]) or 0.0) / 60),
                percent(busy / available) if available else None,
            )
        )
    return table, (busy_total / capacity_total if capacity_total else None)


def _csat(facts: Sequence[ConversationFacts], human: bool) -> list[int]:
    return [r.score for f in facts for r in f.ratings if r.human is human]


def reasons_table(facts: Sequence[ConversationFacts]) -> ReportTable:
    reasons = Counter(reason for f in facts for reason in f.escalation_reasons)
    total = sum(reasons.values())
    table = ReportTable("Hand-off reasons", ("reason", "hand_offs", "share_pct"))
    for reason, count in reasons.most_common():
        table.rows.append((reason, count, percent(share(count, total))))
    return table


def csat_table(facts: Sequence[ConversationFacts]) -> ReportTable:
    assistant, human = Counter(_csat(facts, False)), Counter(_csat(facts, True))
    table = ReportTable("CSAT ratings", ("score", "assistant", "human"))
    for score in range(1, 6):
        table.rows.append((score, assistant[score], human[score]))
    return table


def daily_table(
    facts: Sequence[ConversationFacts], repeated: set[str], wanted: ReportFilter
) -> ReportTable:
    by_day: dict[date, list[ConversationFacts]] = defaultdict(list)
    for fact in facts:
        by_day[fact.started_at.date()].append(fact)
    table = ReportTable(
        "By day",
        (
            "day", "conversations", "assistant_resolved", "human_involved", "hand_offs",
            "csat_assistant", "csat_human", "turn_p50_ms", "turn_p99_ms", "queue_wait_p50_s",
        ),
    )  # fmt: skip
    day = wanted.since.date()
    while day < wanted.until.date() or (day == wanted.until.date() and by_day.get(day)):
        group = by_day.get(day, [])
        turns = [ms for f in group for ms in f.turn_ms]
        table.rows.append(
            (
                day.isoformat(),
                len(group),
                sum(assistant_resolved(f, repeated) for f in group),
                sum(f.human_involved for f in group),
                sum(f.escalated for f in group),
                rounded(mean(_csat(group, False))),
                rounded(mean(_csat(group, True))),
                rounded(percentile(turns, 50)),
                rounded(percentile(turns, 99)),
                rounded(percentile([w for f in group for w in f.queue_waits], 50)),
            )
        )
        day += timedelta(days=1)
    return table


def breakdown_table(
    facts: Sequence[ConversationFacts], repeated: set[str], by: str, title: str
) -> ReportTable:
    """Conversations and assistant-resolved share per language or per intent."""
    groups: dict[str, list[ConversationFacts]] = defaultdict(list)
    for fact in facts:
        key = _base_language(fact.language) if by == "language" else fact.intent
        groups[key or "unknown"].append(fact)
    table = ReportTable(title, (by, "conversations", "assistant_resolved_pct", "hand_off_pct"))
    for key, group in sorted(groups.items(), key=lambda item: (-len(item[1]), item[0])):
        resolved = sum(assistant_resolved(f, repeated) for f in group)
        handed = sum(f.escalated for f in group)
        table.rows.append(
            (
                key,
                len(group),
                percent(share(resolved, len(group))),
                percent(share(handed, len(group))),
            )
        )
    return table


def _resolution(facts: Sequence[ConversationFacts], human: bool) -> list[float]:
    return [
        seconds
        for f in facts
        if f.human_involved is human and (seconds := f.resolution_seconds) is not None
    ]


METRICS = (
    ("conversations", "Conversations", ""),
    ("assistant_resolved", "Assistant-resolved conversations", ""),
    ("assistant_resolved_share", "Assistant-resolved share", "ratio"),
    ("handoff_rate", "Hand-off rate", "ratio"),
    ("human_involved", "Human-involved conversations", ""),
    ("first_response_p50_s", "First response p50", "s"),
    ("resolution_assistant_p50_s", "Resolution time p50, assistant only", "s"),
    ("resolution_assistant_p90_s", "Resolution time p90, assistant only", "s"),
    ("resolution_human_p50_s", "Resolution time p50, human-involved", "s"),
    ("resolution_human_p90_s", "Resolution time p90, human-involved", "s"),
    ("repeat_inquiry_rate", "Repeat-inquiry rate", "ratio"),
    ("csat_assistant", "CSAT, assistant", "of 5"),
    ("csat_assistant_ratings", "CSAT ratings, assistant", ""),
    ("csat_human", "CSAT, human", "of 5"),
    ("csat_human_ratings", "CSAT ratings, human", ""),
    ("agent_handle_mean_s", "Agent handle time, mean per conversation", "s"),
    ("agent_utilisation", "Agent utilisation", "ratio"),
    ("queue_wait_p50_s", "Queue wait p50", "s"),
    ("queue_wait_p90_s", "Queue wait p90", "s"),
    ("sla_first_response_breach_rate", "First replies by a person later than the SLA", "ratio"),
    ("sla_resolution_breach_rate", "Resolutions with a person later than the SLA", "ratio"),
    ("approvals_requested", "Approvals requested", ""),
    ("approvals_decided", "Approvals decided", ""),
    ("approval_decision_p50_s", "Time to approval decision p50", "s"),
    ("turn_latency_p50_ms", "Assistant turn latency p50", "ms"),
    ("turn_latency_p99_ms", "Assistant turn latency p99", "ms"),
    ("agent_hours_saved", "Agent-hours saved", "h"),
    ("fte_saved", "Full-time equivalents saved", "FTE"),
)

Number = float | int | None


def _volume(facts: Sequence[ConversationFacts], repeated: set[str]) -> dict[str, Number]:
    total = len(facts)
    resolved = sum(assistant_resolved(f, repeated) for f in facts)
    with_intent = [f for f in facts if f.intent is not None]
    return {
        "conversations": total,
        "assistant_resolved": resolved,
        "assistant_resolved_share": rounded(share(resolved, total)),
        "handoff_rate": rounded(share(sum(f.escalated for f in facts), total)),
        "human_involved": sum(f.human_involved for f in facts),
        "repeat_inquiry_rate": rounded(
            share(sum(f.id in repeated for f in with_intent), len(with_intent))
        ),
    }


def _times(facts: Sequence[ConversationFacts]) -> dict[str, Number]:
    firsts = [s for f in facts if (s := f.first_response_seconds) is not None]
    assistant_only, human = _resolution(facts, False), _resolution(facts, True)
    waits = [w for f in facts for w in f.queue_waits]
    turns = [ms for f in facts for ms in f.turn_ms]
    return {
        "first_response_p50_s": rounded(percentile(firsts, 50)),
        "resolution_assistant_p50_s": rounded(percentile(assistant_only, 50)),
        "resolution_assistant_p90_s": rounded(percentile(assistant_only, 90)),
        "resolution_human_p50_s": rounded(percentile(human, 50)),
        "resolution_human_p90_s": rounded(percentile(human, 90)),
        "queue_wait_p50_s": rounded(percentile(waits, 50)),
        "queue_wait_p90_s": rounded(percentile(waits, 90)),
        "turn_latency_p50_ms": rounded(percentile(turns, 50)),
        "turn_latency_p99_ms": rounded(percentile(turns, 99)),
    }


def _people(
    facts: Sequence[ConversationFacts], resolved: int, days: float, utilisation: float | None
) -> dict[str, Number]:
    csat_a, csat_h = _csat(facts, False), _csat(facts, True)
    decisions = [d for f in facts for d in f.approval_decisions]
    handles = [_handle_total(f) for f in facts if f.human_involved and f.handle_spans]
    handle_minutes = (mean(handles) or DEFAULT_HANDLE_MINUTES * 60) / 60
    hours_saved = resolved * handle_minutes / 60
    fte_hours = FTE_HOURS_PER_WEEK * days / 7
    return {
        "csat_assistant": rounded(mean(csat_a)),
        "csat_assistant_ratings": len(csat_a),
        "csat_human": rounded(mean(csat_h)),
        "csat_human_ratings": len(csat_h),
        "agent_handle_mean_s": rounded(mean(handles)),
        "agent_utilisation": rounded(utilisation),
        "approvals_requested": sum(f.approvals_requested for f in facts),
        "approvals_decided": len(decisions),
        "approval_decision_p50_s": rounded(percentile(decisions, 50)),
        "agent_hours_saved": rounded(hours_saved, 2),
        "fte_saved": rounded(hours_saved / fte_hours, 3) if fte_hours else None,
    }


def _summary(
    facts: Sequence[ConversationFacts],
    repeated: set[str],
    wanted: ReportFilter,
    utilisation: float | None,
    targets: tuple[float, float],  # first response and resolution, in seconds
    hours: TeamHours | None = None,
) -> list[Metric]:
    values = _volume(facts, repeated) | _times(facts)
    first_response_s, resolution_s = targets
    replies = [wait for f in facts for wait in f.person_first_replies]
    late = sum(
        _counted_seconds(w.since, w.until, w.team, hours) > first_response_s for w in replies
    )
    values["sla_first_response_breach_rate"] = rounded(share(late, len(replies)))
    values["sla_resolution_breach_rate"] = _resolution_breach_rate(facts, resolution_s, hours)
    resolved = int(values["assistant_resolved"] or 0)
    values |= _people(facts, resolved, wanted.days, utilisation)
    return [Metric(key, label, values[key], unit) for key, label, unit in METRICS]


def _resolution_breach_rate(
    facts: Sequence[ConversationFacts], target_s: float, hours: TeamHours | None
) -> float | None:
    """Share of closed human-involved conversations open longer than the target."""
    closed = [(f, f.closed_at) for f in facts if f.human_involved and f.closed_at is not None]
    late = sum(
        _counted_seconds(f.started_at, closed_at, f.team, hours) > target_s
        for f, closed_at in closed
    )
    return rounded(share(late, len(closed)))


def _counted_seconds(
    since: datetime, until: datetime, team: str | None, hours: TeamHours | None
) -> float:
    """A span as the SLA counts it: open business hours only, when the team has hours."""
    team_hours = hours.for_team(team) if hours is not None else None
    if team_hours is None:
        return (until - since).total_seconds()
    return team_hours.open_time_between(since, until).total_seconds()


def build_report(
    histories: Iterable[ConversationHistory],
    wanted: ReportFilter,
    agents: Mapping[str, AgentInfo] | None = None,
    sla_first_response_s: float = DEFAULT_SLA_FIRST_RESPONSE_S,
    hours: TeamHours | None = None,
    sla_resolution_s: float = DEFAULT_SLA_RESOLUTION_S,
) -> Report:
    """The report for `wanted` from conversation histories.

    Pass histories up to 7 days past `wanted.until` too: a conversation inside the range is
    only known not to be repeated once the following week has been seen.
    """
    every = [facts_of(history) for history in histories]
    repeated = repeated_ids(every)
    facts = sorted((f for f in every if matches(f, wanted)), key=lambda f: f.started_at)
    agents_found, utilisation = agent_table(facts, agents or {})
    tables = {
        "daily": daily_table(facts, repeated, wanted),
        "handoff_reasons": reasons_table(facts),
        "csat": csat_table(facts),
        "agents": agents_found,
        "languages": breakdown_table(facts, repeated, "language", "By language"),
        "intents": breakdown_table(facts, repeated, "intent", "By intent"),
        "model": model_table(call for f in facts for call in f.model_calls),
    }
    targets = (sla_first_response_s, sla_resolution_s)
    summary = _summary(facts, repeated, wanted, utilisation, targets, hours)
    return Report(wanted, summary, tables, FORMULAS)
