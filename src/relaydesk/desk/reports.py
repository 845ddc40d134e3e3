"""The operator's report over the store: a period's metrics beside the previous period's, the
insight (gaps, contact reasons, spikes), and the choices its filters offer."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from sqlalchemy import Engine

from relaydesk.analytics.compared import compared_report
from relaydesk.analytics.gap_closing import KnowledgeSearch
from relaydesk.analytics.queries import filter_values
from relaydesk.analytics.report import Report, ReportFilter
from relaydesk.assistant.embeddings import Embedder
from relaydesk.domain.business_hours import TeamHours


class ReportDesk:
    """Built once by the app factory; the dashboard's routes only ask it."""

    def __init__(
        self,
        engine: Engine,
        embedder: Callable[[], Embedder],  # loaded on the first report that needs it
        first_response_target_s: float,
        knowledge: KnowledgeSearch | None,  # the assistant's: a gap it now answers is closed
        hours: TeamHours,  # SLA breaches count open time only
    ) -> None:
        self.engine = engine
        self.embedder = embedder
        self.first_response_target_s = first_response_target_s
        self.knowledge = knowledge
        self.hours = hours

    def report(self, wanted: ReportFilter) -> Report:
        return compared_report(
            self.engine,
            wanted,
            self.embedder(),
            self.first_response_target_s,
            self.knowledge,
            self.hours,
        )

    def filter_choices(self) -> dict[str, Sequence[str]]:
        """The languages and channels present, for the filter menus."""
        return filter_values(self.engine)
