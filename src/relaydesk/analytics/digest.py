"""The supervisors' weekly digest: what changed against the week before and what to fix next.

Plain text, so the terminal and an email read the same: the headline numbers with their
change, the open knowledge gaps (and how many closed), the open ones new or rising, spikes,
why conversations were handed to people, and CSAT. Every number comes from the same compared
report as the dashboard.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

from relaydesk.analytics.emerging import trend_label
from relaydesk.analytics.report import Report, change_of

HEADLINES = (
    "conversations",
    "assistant_resolved_share",
    "handoff_rate",
    "first_response_p50_s",
    "queue_wait_p50_s",
    "sla_first_response_breach_rate",
    "sla_resolution_breach_rate",
    "repeat_inquiry_rate",
)
TOP = 5


def digest_subject(report: Report) -> str:
    window = report.filter
    return f"Weekly digest: {window.since:%d %b} to {window.until:%d %b %Y}"


def digest_text(report: Report, comments: Sequence[tuple[int, str]] = ()) -> str:
    """The digest of `report` (a compared report, with insight for the gaps) and the period's
    rating comments."""
    window = report.filter
    sections = [
        f"relaydesk digest, {window.since:%Y-%m-%d} to {window.until:%Y-%m-%d} (UTC)",
        _section("What changed against the period before", _headlines(report)),
        _section("Knowledge gaps to write articles for", _gaps(report.insight)),
        _section("Emerging topics among them", _emerging(report.insight)),
        _section("Contact reasons that spiked", _spikes(report.insight)),
        _section("Why conversations went to a person", _reasons(report)),
        _section("Customer satisfaction (CSAT)", [*_csat(report), *_comments(comments)]),
    ]
    return "\n\n".join(sections) + "\n"


def _section(title: str, lines: list[str]) -> str:
    return "\n".join([title, "-" * len(title), *(lines or ["Nothing this period."])])


def _headlines(report: Report) -> list[str]:
    metrics = {metric.key: metric for metric in report.metrics}
    lines = []
    for key in HEADLINES:
        metric = metrics.get(key)
        if metric is None:
            continue
        lines.append(f"- {metric.label}: {_value(metric.value, metric.unit)}{_moved(report, key)}")
    return lines


def _value(value: float | int | None, unit: str) -> str:
    if value is None:
        return "-"
    if unit == "ratio":
        return f"{value * 100:.1f} %"
    if unit == "s":
        return f"{value:.0f} s" if value < 120 else f"{value / 60:.1f} min"
    if unit == "of 5":
        return f"{value:.2f} of 5"
    return f"{value:g}"


def _moved(report: Report, key: str) -> str:
    change = change_of(report, key)
    if change is None:
        return " (no previous period to compare)" if not report.previous else ""
    if change["points"] is not None:
        return f" ({change['points']:+.1f} points)"
    if change["relative"] is not None:
        return f" ({change['relative']:+.1f} %)"
    return ""


def _gaps(insight: dict[str, Any]) -> list[str]:
    gaps = insight.get("knowledge_gaps") or []
    open_gaps = [gap for gap in gaps if not gap.get("closed_by")]
    lines = [
        f'- {gap["count"]} x "{gap["label"]}" ({_languages(gap["languages"])})' + _examples(gap)
        for gap in open_gaps[:TOP]
    ]
    closed = [gap for gap in gaps if gap.get("closed_by")]
    if closed:
        titles = "; ".join(f'"{gap["closed_by"]["title"]}"' for gap in closed[:TOP])
        lines.append(f"- Closed by new or updated articles: {len(closed)} ({titles})")
    return lines


def _emerging(insight: dict[str, Any]) -> list[str]:
    gaps = insight.get("knowledge_gaps") or []
    if gaps and all(gap.get("previous") is None for gap in gaps):
        return ["- No previous period covered by data to compare with."]
    return [
        f'- {gap["count"]} x "{gap["label"]}": {trend_label(gap)}'
        for gap in gaps
        if gap.get("emerging") and not gap.get("closed_by")
    ][:TOP]


def _languages(languages: dict[str, int]) -> str:
    return ", ".join(f"{language} {count}" for language, count in languages.items())


def _examples(gap: dict[str, Any]) -> str:
    others = [example for example in gap["examples"] if example != gap["label"]]
    return "".join(f'\n    also: "{example}"' for example in others[:2])


def _spikes(insight: dict[str, Any]) -> list[str]:
    return [
        f"- {spike['intent'].replace('_', ' ')} on {spike['day']}: {spike['observed']} contacts"
        f", {spike['expected']} expected (p = {spike['p_value']})"
        for spike in insight.get("spikes") or []
    ][:TOP]


def _reasons(report: Report) -> list[str]:
    table = report.tables.get("handoff_reasons")
    rows = table.rows if table is not None else []
    return [f"- {str(reason).replace('_', ' ')}: {count} ({pct} %)" for reason, count, pct in rows][
        :TOP
    ]


def _csat(report: Report) -> list[str]:
    lines = []
    for who, key in (("assistant", "csat_assistant"), ("people", "csat_human")):
        ratings = report.value(f"{key}_ratings")
        if ratings:
            score = _value(report.value(key), "of 5")
            lines.append(f"- With the {who}: {score} from {ratings} ratings{_moved(report, key)}")
    lines.extend(_low_scores(report))
    return lines


def _low_scores(report: Report) -> Iterator[str]:
    table = report.tables.get("csat")
    if table is None:
        return
    low = sum(int(a or 0) + int(h or 0) for score, a, h in table.rows if int(score or 0) <= 2)
    if low:
        yield f"- Ratings of 1 or 2: {low}"


def _comments(comments: Sequence[tuple[int, str]]) -> list[str]:
    return [f'- Rated {score}: "{comment}"' for score, comment in comments]
