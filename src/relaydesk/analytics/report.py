"""The shape of an analytics report: named metrics and tables, for JSON, CSV and terminals."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from relaydesk.domain.errors import InvalidInput

Cell = str | int | float | None


@dataclass(frozen=True)
class ReportFilter:
    """Which conversations a report covers: started in [since, until), optionally narrowed."""

    since: datetime
    until: datetime
    language: str | None = None
    intent: str | None = None
    channel: str | None = None

    def __post_init__(self) -> None:
        if self.until <= self.since:
            raise InvalidInput("The end of the date range must come after its start.")

    @property
    def days(self) -> float:
        return (self.until - self.since).total_seconds() / 86400

    def as_dict(self) -> dict[str, Any]:
        return {
            "since": self.since.isoformat(),
            "until": self.until.isoformat(),
            "language": self.language,
            "intent": self.intent,
            "channel": self.channel,
        }


@dataclass(frozen=True)
class Metric:
    key: str
    label: str
    value: float | int | None
    unit: str = ""


def change(metric: Metric, before: float | int | None) -> dict[str, Any] | None:
    """How a headline number moved: points for ratios, a relative change for the rest."""
    now = metric.value
    if now is None or before is None:
        return None
    if metric.unit == "ratio":
        return {"points": round((now - before) * 100, 1), "relative": None}
    relative = round((now - before) / before * 100, 1) if before else None
    return {"points": None, "relative": relative, "difference": round(now - before, 3)}


def change_of(report: Report, key: str) -> dict[str, Any] | None:
    """The change of one headline number against the previous period."""
    metric = next((m for m in report.metrics if m.key == key), None)
    return change(metric, report.previous.get(key)) if metric else None


@dataclass(frozen=True)
class ReportTable:
    title: str
    columns: tuple[str, ...]
    rows: list[tuple[Cell, ...]] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {"title": self.title, "columns": list(self.columns), "rows": list(self.rows)}


@dataclass(frozen=True)
class Report:
    filter: ReportFilter
    metrics: list[Metric]
    tables: dict[str, ReportTable]
    formulas: dict[str, str]
    # The same metrics over the period of the same length just before (for "change").
    previous: dict[str, float | int | None] = field(default_factory=dict)
    previous_filter: ReportFilter | None = None
    insight: dict[str, Any] = field(default_factory=dict)  # knowledge gaps, contact reasons

    def value(self, key: str) -> float | int | None:
        for metric in self.metrics:
            if metric.key == key:
                return metric.value
        raise KeyError(key)

    def as_dict(self) -> dict[str, Any]:
        return {
            "filter": self.filter.as_dict(),
            "metrics": [
                {"key": m.key, "label": m.label, "value": m.value, "unit": m.unit}
                for m in self.metrics
            ],
            "tables": {name: table.as_dict() for name, table in self.tables.items()},
            "formulas": self.formulas,
            "previous": {
                "filter": self.previous_filter.as_dict() if self.previous_filter else None,
                "metrics": self.previous,
                "changes": {m.key: change(m, self.previous.get(m.key)) for m in self.metrics},
            },
            "insight": self.insight,
        }

    def csv(self, table: str = "summary") -> str:
        """One table as CSV; `summary` is the metrics themselves."""
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        if table == "summary":
            writer.writerow(["metric", "label", "value", "unit"])
            writer.writerows([m.key, m.label, m.value, m.unit] for m in self.metrics)
            return out.getvalue()
        if table not in self.tables:
            names = ", ".join(["summary", *self.tables])
            raise InvalidInput(f"There is no table {table!r}; choose one of: {names}.")
        found = self.tables[table]
        writer.writerow(found.columns)
        writer.writerows(found.rows)
        return out.getvalue()
