"""Canned responses: supervisors keep them per language; agents insert them filled in."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from relaydesk.desk.handoff import summarize
from relaydesk.desk.routing import RoutingDesk
from relaydesk.domain.agents import AgentAccount
from relaydesk.domain.canned import CannedResponse, check_canned, fill
from relaydesk.domain.errors import Forbidden
from relaydesk.domain.model import ConversationId
from relaydesk.store.canned import CannedStore
from relaydesk.store.conversations import ConversationStore

DEFAULT_LANGUAGE = "en"
RECENT_EVENTS = 200
ANONYMOUS_NAMES = frozenset({"visitor"})  # the widget's name for someone who did not say


@dataclass(frozen=True)
class FilledResponse:
    """A canned response ready for the reply box of one conversation."""

    shortcut: str
    title: str
    language: str
    text: str


def _require_supervisor(agent: AgentAccount) -> None:
    if not agent.supervises:
        raise Forbidden("Only supervisors manage canned responses.")


class CannedDesk:
    """Managing canned responses and filling them for a conversation."""

    def __init__(
        self,
        canned: CannedStore,
        store: ConversationStore,
        routing: RoutingDesk,
        clock: Callable[[], datetime],
    ) -> None:
        self.canned = canned
        self.store = store
        self.routing = routing
        self.clock = clock

    def all(self) -> list[CannedResponse]:
        return self.canned.all()

    def save(
        self, agent: AgentAccount, shortcut: str, language: str, title: str, body: str
    ) -> CannedResponse:
        """Add a response, or change the one with this shortcut and language."""
        _require_supervisor(agent)
        shortcut, language = shortcut.strip().lower().lstrip("/"), language.strip()
        check_canned(shortcut, language, title, body)
        return self.canned.save(
            shortcut, language, title.strip(), body.strip(), agent.id, self.clock()
        )

    def set_active(self, agent: AgentAccount, canned_id: str, active: bool) -> CannedResponse:
        _require_supervisor(agent)
        return self.canned.set_active(canned_id, active, agent.id, self.clock())

    def for_conversation(
        self, agent: AgentAccount, conversation_id: ConversationId
    ) -> list[FilledResponse]:
        """The active responses in the conversation's language, filled for its customer."""
        conversation = self.store.get_conversation(conversation_id)
        self.routing.require_can_read(agent, conversation)
        language = conversation.language or DEFAULT_LANGUAGE
        responses = self.canned.all(language, active_only=True)
        if not responses:
            return []
        customer = self.store.get_customer(conversation.customer_id)
        events = self.store.events_after(
            conversation_id, max(0, conversation.last_seq - RECENT_EVENTS), RECENT_EVENTS
        )
        gathered = summarize(events, conversation.language).gathered
        order = gathered.get("order_id")
        values = {
            "first_name": _first_word(customer.display_name),
            "customer_name": customer.display_name if _first_word(customer.display_name) else None,
            "order_id": str(order) if order else None,
            "agent_name": _first_word(agent.display_name),
        }
        return [
            FilledResponse(r.shortcut, r.title, r.language, fill(r.body, values)) for r in responses
        ]


def _first_word(name: str | None) -> str | None:
    words = (name or "").split()
    return words[0] if words and words[0].lower() not in ANONYMOUS_NAMES else None
