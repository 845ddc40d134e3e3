"""The operator's report over the store: a period's metrics beside the previous period's, the
insight (gaps, contact reasons, spikes), and the choices its filters offer."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from sqlalchemy import Engine

from relaydesk.analytics.compared import compared_report
from relaydesk.analytics.gap_closing import KnowledgeSearch
from relaydesk.analytics.queries import filter_values
from relaydesk.analytics.report import Report, ReportFilter
from relaydesk.assistant.embeddings import Embedder
from relaydesk.domain.business_hours import TeamHours


@dataclass(frozen=True)
class SlaSeconds:
    """The SLA targets the report's breach rates count against."""

    first_response: float
    resolution: float


class ReportDesk:
    """Built once by the app factory; the dashboard's routes only ask it."""

    def __init__(
        self,
        engine: Engine,
        embedder: Callable[[], Embedder],  # loaded on the first report that needs it
        targets: SlaSeconds,
        # The help centre as it is now: a gap an article answers is closed, no restart needed.
        knowledge: Callable[[], KnowledgeSearch | None],
        hours: TeamHours,  # SLA breaches count open time only
    ) -> None:
        self.engine = engine
        self.embedder = embedder
        self.targets = targets
        self.knowledge = knowledge
        self.hours = hours

    def report(self, wanted: ReportFilter) -> Report:
        return compared_report(
            self.engine,
            wanted,
            self.embedder(),
            self.targets.first_response,
            self.knowledge(),
            self.hours,
            sla_resolution_s=self.targets.resolution,
        )

    def filter_choices(self) -> dict[str, Sequence[str]]:
        """The languages and channels present, for the filter menus."""
        return filter_values(self.engine)
