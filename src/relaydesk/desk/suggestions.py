"""Reply suggestions for the agent: for the customer's last message, the help article that
answers it (as an editable draft in the conversation's language) and the operation whose flow
fits the intent the assistant read. Deterministic, from the pack's knowledge and flows; the
agent always edits and sends."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from relaydesk.assistant.flows import FlowBook
from relaydesk.assistant.knowledge import KnowledgeBase
from relaydesk.desk.handoff import CONVERSATIONAL
from relaydesk.domain.model import Event, EventKind, Source
from relaydesk.domain.turn_payloads import AssistantTurn

ARTICLES = 2


@dataclass(frozen=True)
class Suggestion:
    kind: str  # "article" or "operation"
    title: str
    draft: str  # text for the reply box; empty for an operation
    tool: str | None = None  # the operation to open


def last_customer_message(events: Sequence[Event]) -> Event | None:
    return next(
        (
            e
            for e in reversed(events)
            if e.kind is EventKind.MESSAGE and e.source is Source.CUSTOMER
        ),
        None,
    )


def latest_intent(events: Sequence[Event]) -> str | None:
    for event in reversed(events):
        turn = AssistantTurn.of(event)
        intent = turn.named_intent() if turn is not None else None
        if intent and intent not in CONVERSATIONAL:
            return intent
    return None


class ReplySuggestions:
    """Articles and operations that fit the customer's last message."""

    def __init__(
        self, knowledge: KnowledgeBase, flows: FlowBook, link: Callable[[str], str]
    ) -> None:
        self.knowledge = knowledge
        self.flows = flows
        self.link = link

    def for_events(self, events: Sequence[Event], language: str | None) -> list[Suggestion]:
        asked = last_customer_message(events)
        if asked is None or not asked.text:
            return []
        found = [
            Suggestion("article", hit.article.title, f"{hit.snippet} {self.link(hit.article.url)}")
            for hit in self.knowledge.search(asked.text, language or "en", k=ARTICLES)
        ]
        flow = self.flows.for_intent(latest_intent(events))
        if flow is not None:
            title = flow.tool.replace("_", " ").capitalize()
            found.append(Suggestion("operation", title, "", flow.tool))
        return found


class NoSuggestions:
    """Without a pack's knowledge and flows there is nothing to suggest."""

    def for_events(self, events: Sequence[Event], language: str | None) -> list[Suggestion]:
        return []
