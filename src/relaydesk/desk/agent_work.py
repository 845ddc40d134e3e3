"""A person's work inside a conversation: read it, reply, note, run tools, hand back, close."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from relaydesk.bus.base import EventBus, notify_changed
from relaydesk.desk.handoff import summarize
from relaydesk.desk.handoff_notes import StoredNote, conversation_seq, note_event, stored_note
from relaydesk.desk.routing import RoutingDesk
from relaydesk.desk.text import clean_message_text
from relaydesk.desk.translations import ConsoleTranslation
from relaydesk.domain.agents import (
    AgentAccount,
    ApprovalRequest,
    Disposition,
    Handoff,
    ToolsUnavailable,
    require_can_act,
)
from relaydesk.domain.message_payloads import ToolCalled
from relaydesk.domain.model import (
    Conversation,
    ConversationId,
    Customer,
    Event,
    EventKind,
    NewEvent,
    Source,
)
from relaydesk.domain.ownership import Transition, apply_transition
from relaydesk.store.approvals import ApprovalStore
from relaydesk.store.conversations import ConversationStore, DuplicateKey
from relaydesk.store.queue import QueueStore

log = logging.getLogger(__name__)

TRANSCRIPT_LIMIT = 500


class CustomerProfileSource(Protocol):
    """The operator's view of a customer (a domain pack plugs its backend in)."""

    def profile(self, external_ref: str) -> dict[str, Any]: ...


class NoCustomerProfile:
    def profile(self, external_ref: str) -> dict[str, Any]:
        return {}


class AgentToolRunner(Protocol):
    """Runs a tool for a person, under the tool's policy for agents.

    Returns {"tool", "status", "decision", "result"}; the desk records the call and result.
    """

    def run(
        self, conversation_id: str, tool: str, params: dict[str, Any], agent_id: str
    ) -> dict[str, Any]: ...


class NoAgentTools:
    def run(
        self, conversation_id: str, tool: str, params: dict[str, Any], agent_id: str
    ) -> dict[str, Any]:
        raise ToolsUnavailable("No tools are available to agents in this deployment.")


@dataclass(frozen=True)
class ConversationView:
    """Everything the console shows for one conversation."""

    conversation: Conversation
    customer: Customer
    events: list[Event]
    handoff: Handoff
    profile: dict[str, Any]
    approvals: list[ApprovalRequest]
    model_note: StoredNote | None = None


class ModelNote(Protocol):
    @property
    def summary(self) -> str | None: ...

    @property
    def suggested_replies(self) -> list[str]: ...

    @property
    def record(self) -> dict[str, Any]: ...


class NoteWriter(Protocol):
    """An optional language model's checked summary and suggested replies for the agent."""

    def summarise(self, events: Sequence[Event], language: str | None = None) -> ModelNote: ...


class AgentWorkDesk:
    """What a person does inside a conversation they hold."""

    def __init__(
        self,
        store: ConversationStore,
        routing: RoutingDesk,
        queue: QueueStore,
        approvals: ApprovalStore,
        bus: EventBus,
        *,
        profiles: CustomerProfileSource | None = None,
        tools: AgentToolRunner | None = None,
        max_message_chars: int = 4000,
        note_writer: NoteWriter | None = None,
        translation: ConsoleTranslation | None = None,
    ) -> None:
        self.note_writer = note_writer
        self.translation = translation  # with a model: between the customer's and agent's language
        self.store = store
        self.routing = routing
        self.queue = queue
        self.approvals = approvals
        self.bus = bus
        self.profiles: CustomerProfileSource = profiles or NoCustomerProfile()
        self.tools: AgentToolRunner = tools or NoAgentTools()
        self.max_message_chars = max_message_chars

    def open(self, conversation_id: ConversationId, agent: AgentAccount) -> ConversationView:
        """The transcript, hand-off summary, customer panel and approvals, if the agent may see."""
        conversation = self.store.get_conversation(conversation_id)
        self.routing.require_can_read(agent, conversation)
        customer = self.store.get_customer(conversation.customer_id)
        events = self.store.events_after(conversation_id, 0, TRANSCRIPT_LIMIT)
        if self.translation is not None:
            events += self.translation.translate_incoming(conversation, agent, events)
        return ConversationView(
            conversation=conversation,
            customer=customer,
            events=events,
            handoff=summarize(events, conversation.language),
            model_note=self._model_note(conversation_id, events, conversation.language),
            profile=self._profile(customer),
            approvals=self.approvals.for_conversation(conversation_id),
        )

    def _model_note(
        self, conversation_id: ConversationId, events: Sequence[Event], language: str | None
    ) -> StoredNote | None:
        """The model's note when one is configured; it never keeps the page from opening."""
        if self.note_writer is None:
            return None
        found = stored_note(events)
        if found is None:
            found = self._write_note(conversation_id, events, language)
        return found if found is not None and found.summary else None

    def _write_note(
        self, conversation_id: ConversationId, events: Sequence[Event], language: str | None
    ) -> StoredNote | None:
        assert self.note_writer is not None
        try:
            note = self.note_writer.summarise(events, language)
            self.store.append(
                conversation_id,
                [
                    note_event(
                        note.summary,
                        note.suggested_replies,
                        note.record,
                        conversation_seq(events),
                    )
                ],
            )
        except Exception:
            log.warning("The model's hand-off note failed", exc_info=True)
            return None
        return StoredNote(note.summary, list(note.suggested_replies))

    def _profile(self, customer: Customer) -> dict[str, Any]:
        if not customer.signed_in_ref:
            return {}
        try:
            return self.profiles.profile(customer.signed_in_ref)
        except Exception:
            log.warning("The customer profile could not be read", exc_info=True)
            return {"error": "The account data could not be loaded."}

    def events_after(
        self, conversation_id: ConversationId, agent: AgentAccount, cursor: int, limit: int = 200
    ) -> tuple[list[Event], int]:
        """Every event (internal ones too) after `cursor`, and the cursor to continue from."""
        self.routing.require_can_read(agent, self.store.get_conversation(conversation_id))
        events = self.store.events_after(conversation_id, cursor, limit)
        return events, events[-1].seq if events else cursor

    def held_by(self, agent: AgentAccount) -> list[Conversation]:
        return self.routing.agents.held_conversations(agent.id)

    def reply(
        self,
        conversation_id: ConversationId,
        agent: AgentAccount,
        text: str,
        idempotency_key: str | None = None,
    ) -> Event:
        """Send the customer a message as this person (once per key), translated into the
        customer's language when translation is on and the agent does not read theirs."""
        if self.translation is None:
            return self._write_text(
                EventKind.MESSAGE, conversation_id, agent, text, idempotency_key
            )
        conversation = self.store.get_conversation(conversation_id)
        require_can_act(agent, conversation)
        cleaned = clean_message_text(text, self.max_message_chars)
        outgoing = self.translation.outgoing(conversation, agent, cleaned)
        written = NewEvent(
            kind=EventKind.MESSAGE,
            source=Source.AGENT,
            text=outgoing.text,
            data={"agent_name": agent.display_name, **outgoing.data},
            actor_id=agent.id,
        )
        return self._write(conversation_id, agent, written, idempotency_key)

    def translate_new_messages(self, conversation_id: ConversationId, agent: AgentAccount) -> int:
        """Translate customer messages that arrived while the agent had the page open."""
        if self.translation is None:
            return 0
        conversation = self.store.get_conversation(conversation_id)
        self.routing.require_can_read(agent, conversation)
        events = self.store.events_after(conversation_id, 0, TRANSCRIPT_LIMIT)
        added = self.translation.translate_incoming(conversation, agent, events)
        if added:
            notify_changed(self.bus, conversation_id)
        return len(added)

    def note(
        self,
        conversation_id: ConversationId,
        agent: AgentAccount,
        text: str,
        idempotency_key: str | None = None,
    ) -> Event:
        """An internal note: colleagues and the assistant see it, the customer never does."""
        return self._write_text(EventKind.NOTE, conversation_id, agent, text, idempotency_key)

    def _write_text(
        self,
        kind: EventKind,
        conversation_id: ConversationId,
        agent: AgentAccount,
        text: str,
        idempotency_key: str | None,
    ) -> Event:
        written = NewEvent(
            kind=kind,
            source=Source.AGENT,
            text=clean_message_text(text, self.max_message_chars),
            data={"agent_name": agent.display_name},
            actor_id=agent.id,
        )
        return self._write(conversation_id, agent, written, idempotency_key)

    def _write(
        self,
        conversation_id: ConversationId,
        agent: AgentAccount,
        new_event: NewEvent,
        idempotency_key: str | None,
    ) -> Event:
        require_can_act(agent, self.store.get_conversation(conversation_id))
        key = f"agent:{agent.id}:{idempotency_key}" if idempotency_key else None
        try:
            (event,) = self.store.append(conversation_id, [new_event], idempotency_key=key)
        except DuplicateKey:
            found = self.store.find_by_key(conversation_id, key or "")
            assert found is not None  # DuplicateKey is raised only when it exists
            event = found
        notify_changed(self.bus, conversation_id)
        return event

    def run_tool(
        self,
        conversation_id: ConversationId,
        agent: AgentAccount,
        tool: str,
        params: dict[str, Any],
    ) -> dict[str, Any]:
        """Run a tool as this person, under its policy for agents, and record call and result."""
        require_can_act(agent, self.store.get_conversation(conversation_id))
        outcome = self.tools.run(conversation_id, tool, params, agent.id)
        call = ToolCalled(tool, params).event(Source.AGENT, actor_id=agent.id)
        result = NewEvent(
            kind=EventKind.TOOL_RESULT,
            source=Source.AGENT,
            data={"params": params, **outcome, "tool": tool},
            actor_id=agent.id,
        )
        self.store.append(conversation_id, [call, result])
        notify_changed(self.bus, conversation_id)
        return outcome

    def hand_back(
        self, conversation_id: ConversationId, agent: AgentAccount, note: str | None = None
    ) -> Conversation:
        """Return the conversation to the assistant, which continues with the full context."""
        conversation = self.store.get_conversation(conversation_id)
        require_can_act(agent, conversation)
        change = apply_transition(conversation.owner, Transition.HAND_BACK)
        events = self._optional_note(agent, note)
        events.append(
            change.event(
                Source.AGENT,
                text="You are back with our assistant, who can help with anything else.",
                actor_id=agent.id,
            )
        )
        self.store.append(conversation_id, events, owner_change=(change, conversation.version))
        notify_changed(self.bus, conversation_id)
        return self.store.get_conversation(conversation_id)

    def close(
        self,
        conversation_id: ConversationId,
        agent: AgentAccount,
        disposition: Disposition,
        note: str | None = None,
    ) -> Conversation:
        """Close the conversation with how it ended; a new customer message reopens it."""
        conversation = self.store.get_conversation(conversation_id)
        require_can_act(agent, conversation)
        change = apply_transition(conversation.owner, Transition.CLOSE)
        events = self._optional_note(agent, note)
        events.append(
            change.event(
                Source.AGENT,
                text="This conversation is closed. Write again any time if you need more help.",
                actor_id=agent.id,
                disposition=disposition.value,
            )
        )
        self.store.append(conversation_id, events, owner_change=(change, conversation.version))
        self.queue.mark_left(conversation_id, self.routing.clock())
        notify_changed(self.bus, conversation_id)
        return self.store.get_conversation(conversation_id)

    def _optional_note(self, agent: AgentAccount, note: str | None) -> list[NewEvent]:
        if not note or not note.strip():
            return []
        text = clean_message_text(note, self.max_message_chars)
        return [NewEvent(kind=EventKind.NOTE, source=Source.AGENT, text=text, actor_id=agent.id)]
