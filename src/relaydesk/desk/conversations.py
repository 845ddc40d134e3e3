"""Customer-side use cases: start a conversation, receive a message, read what happened."""

from __future__ import annotations

import contextlib
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any, Protocol

from relaydesk.assistant.turn import Assistant, Escalation, TurnContext, TurnResult
from relaydesk.assistant.understanding.human_request import asks_for_human
from relaydesk.bus.base import EventBus, notify_changed
from relaydesk.desk.text import clean_message_text
from relaydesk.domain.agents import ApprovalStatus
from relaydesk.domain.errors import Conflict
from relaydesk.domain.model import (
    Conversation,
    ConversationId,
    Event,
    EventKind,
    NewEvent,
    Owner,
    Source,
)
from relaydesk.domain.ownership import OwnerChange, Transition, apply_transition
from relaydesk.domain.payloads import ApprovalNoted
from relaydesk.domain.turn_payloads import KeyClaimed
from relaydesk.domain.visibility import for_customer
from relaydesk.store.conversations import ConversationStore, DuplicateKey, StoredMessage
from relaydesk.tools.attempts import AttemptLimits
from relaydesk.turn_slots import TurnSlots

log = logging.getLogger(__name__)
HISTORY_WINDOW = 50


@dataclass(frozen=True)
class MessageReceipt:
    """The stored customer message and what the desk answered it with."""

    message: Event
    replies: list[Event]
    duplicate: bool

    @property
    def customer_replies(self) -> list[Event]:
        return [shown for event in self.replies if (shown := for_customer(event)) is not None]


class ProposalSink(Protocol):
    """Where actions the assistant proposed for a person's approval are queued."""

    def propose(
        self,
        conversation_id: ConversationId,
        tool: str,
        params: dict[str, Any],
        summary: str,
        *,
        approval_id: str | None = None,
        append_event: bool = True,
    ) -> str: ...


class WaitingLine(Protocol):
    """Where a waiting customer's place in the queue is looked up and told."""

    def tell_position(self, conversation_id: ConversationId, message: Event) -> list[Event]: ...


class ConversationDesk:
    def __init__(
        self,
        store: ConversationStore,
        bus: EventBus,
        assistant: Assistant,
        max_message_chars: int = 4000,
        proposals: ProposalSink | None = None,
        waiting: WaitingLine | None = None,
        attempts: AttemptLimits | None = None,
        observe_turn: Callable[[float], None] | None = None,
        slots: TurnSlots | None = None,
    ) -> None:
        self.store = store
        self.bus = bus
        self.assistant = assistant
        self.max_message_chars = max_message_chars
        self.proposals = proposals
        self.waiting = waiting
        self.attempts = attempts
        self.observe_turn = observe_turn  # seconds per turn, for /metrics
        self.slots = slots or TurnSlots()  # how many customers' turns run at once

    def start_conversation(
        self,
        *,
        customer_ref: str | None,
        display_name: str,
        language: str | None,
        channel: str = "web",
    ) -> Conversation:
        """Open a new conversation for the customer with this reference (or a new visitor)."""
        with self.slots.taken():
            return self.store.open_conversation(customer_ref, display_name, language, channel)

    def receive_customer_message(
        self,
        conversation_id: ConversationId,
        text: str,
        idempotency_key: str,
        client_address: str | None = None,
        refuse_erased: bool = False,
    ) -> MessageReceipt:
        """Store the message durably (once per key), then let the owner answer it;
        `refuse_erased`: raise ConversationErased for an erased conversation (a customer's
        token, which erasure revoked), checked by the store as it writes.

        The common path is two transactions: the message stored with the turn's context
        read, then the turn's events; a closed conversation or a retried key go the long way.
        The whole turn runs in one of the desk's turn slots.
        """
        with self.slots.taken():
            return self._receive(
                conversation_id, text, idempotency_key, client_address, refuse_erased
            )

    def _receive(
        self,
        conversation_id: ConversationId,
        text: str,
        idempotency_key: str,
        client_address: str | None,
        refuse_erased: bool,
    ) -> MessageReceipt:
        message = NewEvent(
            kind=EventKind.MESSAGE,
            source=Source.CUSTOMER,
            text=clean_message_text(text, self.max_message_chars),
        )
        key = f"msg:{idempotency_key}"
        for _attempt in range(3):  # a closed conversation is reopened first
            try:
                stored = self.store.append_customer_message(
                    conversation_id, message, key, HISTORY_WINDOW, refuse_erased
                )
            except DuplicateKey:
                return self._replay(conversation_id, key, client_address)
            if stored is not None:
                notify_changed(self.bus, conversation_id)
                answered = self._answer_stored(stored, client_address)
                return MessageReceipt(stored.message, answered, False)
            conversation = self.store.get_conversation(conversation_id)  # NotFound if none
            if conversation.owner is Owner.CLOSED:
                self._reopen(conversation)
        raise Conflict("The conversation kept closing meanwhile; please send the message again.")

    def _replay(
        self, conversation_id: ConversationId, key: str, client_address: str | None
    ) -> MessageReceipt:
        """A retried key: the first message, and its answer (taken now if a crash lost it)."""
        found = self.store.find_by_key(conversation_id, key)
        assert found is not None  # DuplicateKey is raised only when it exists
        notify_changed(self.bus, conversation_id)
        replies = self.store.events_caused_by(found.id)
        if not replies:
            # A retry after a crash between storing and answering.
            replies = self._answer(conversation_id, found, client_address)
        return MessageReceipt(message=found, replies=replies, duplicate=True)

    def request_human(self, conversation_id: ConversationId) -> Conversation:
        """The customer asked for a person: honoured at once, whatever the assistant thinks."""
        conversation = self.store.get_conversation(conversation_id)
        if conversation.owner is Owner.CLOSED:
            conversation = self._reopen(conversation)
        if conversation.owner is not Owner.ASSISTANT:
            return conversation  # already waiting for, or talking to, a person
        escalation = Escalation(reason="asked_for_human", priority=1)
        change = apply_transition(conversation.owner, Transition.ESCALATE)
        with contextlib.suppress(Conflict):  # a concurrent escalation got there first
            self.store.append(
                conversation_id,
                [escalation_event(change, escalation, Source.CUSTOMER)],
                owner_change=(change, conversation.version),
            )
        notify_changed(self.bus, conversation_id)
        return self.store.get_conversation(conversation_id)

    def close_by_customer(self, conversation_id: ConversationId) -> Conversation:
        """The customer ended the chat; safe to repeat. Writing again reopens it."""
        conversation = self.store.get_conversation(conversation_id)
        if conversation.owner is Owner.CLOSED:
            return conversation
        change = apply_transition(conversation.owner, Transition.CLOSE)
        event = change.event(Source.CUSTOMER, disposition="ended_by_customer")
        with contextlib.suppress(Conflict):  # someone else closed or claimed it meanwhile
            self.store.append(conversation_id, [event], owner_change=(change, conversation.version))
        notify_changed(self.bus, conversation_id)
        return self.store.get_conversation(conversation_id)

    def customer_events_after(
        self, conversation_id: ConversationId, cursor: int, limit: int = 500
    ) -> tuple[list[Event], int]:
        """What the customer may see after `cursor`, and the cursor to continue from."""
        events = self.store.events_after(conversation_id, cursor, limit)
        visible = [shown for event in events if (shown := for_customer(event)) is not None]
        return visible, events[-1].seq if events else cursor

    def _reopen(self, conversation: Conversation) -> Conversation:
        change = apply_transition(conversation.owner, Transition.REOPEN)
        note = change.event(Source.SYSTEM)
        with contextlib.suppress(Conflict):  # someone else reopened it first
            self.store.append(conversation.id, [note], owner_change=(change, conversation.version))
        return self.store.get_conversation(conversation.id)

    def _answer(
        self, conversation_id: ConversationId, message: Event, client_address: str | None
    ) -> list[Event]:
        conversation = self.store.get_conversation(conversation_id)
        customer = self.store.get_customer(conversation.customer_id)
        history = self.store.events_after(conversation_id, max(0, message.seq - HISTORY_WINDOW - 1))
        stored = StoredMessage(message, conversation, customer, history)
        return self._answer_stored(stored, client_address)

    def _answer_stored(self, stored: StoredMessage, client_address: str | None) -> list[Event]:
        conversation, message = stored.conversation, stored.message
        waiting = conversation.owner is Owner.QUEUED and self.waiting is not None
        if waiting and asks_for_human(message.text or ""):
            assert self.waiting is not None
            return self.waiting.tell_position(conversation.id, message)  # asked again: tell now
        if conversation.owner is not Owner.ASSISTANT:
            return []  # a person owns it, or it waits for one: the assistant stays silent
        context = TurnContext(
            conversation=conversation,
            customer=stored.customer,
            history=stored.history,
            message=message,
            claim=lambda key: self._claim(conversation.id, message, key),
            client_address=client_address,
            attempts=self.attempts,
        )
        result = self._take_turn(context)
        try:
            replies = self._record_turn(conversation, message, result)
        except (DuplicateKey, Conflict):
            return self.store.events_caused_by(message.id)
        self._queue_proposals(conversation.id, replies)
        notify_changed(self.bus, conversation.id)
        return replies

    def _claim(self, conversation_id: ConversationId, message: Event, key: str) -> bool:
        """Consume a one-time key for good: the store's unique key lets exactly one turn in."""
        claim = KeyClaimed(key, by_message=message.id).event()
        try:
            self.store.append(conversation_id, [claim], idempotency_key=f"claim:{key}")
        except DuplicateKey:
            return False
        return True

    def _queue_proposals(self, conversation_id: ConversationId, events: list[Event]) -> None:
        """Actions the turn proposed (already recorded as events) go to the approval queue."""
        if self.proposals is None:
            return
        for event in events:
            asked = ApprovalNoted.of(event)
            if asked is not None and asked.status is ApprovalStatus.PENDING and asked.tool:
                self.proposals.propose(
                    conversation_id,
                    asked.tool,
                    asked.params,
                    asked.summary,
                    approval_id=asked.approval_id,
                    append_event=False,
                )

    def _take_turn(self, context: TurnContext) -> TurnResult:
        started = time.perf_counter()
        try:
            result = self.assistant.take_turn(context)
        except Exception:
            log.exception("The assistant failed on a turn; handing the conversation to a person.")
            result = TurnResult(
                events=[
                    NewEvent(
                        kind=EventKind.MESSAGE,
                        source=Source.SYSTEM,
                        text="Sorry, something went wrong on our side. A person will take over.",
                    )
                ],
                escalation=Escalation(reason="assistant_error", priority=2),
            )
        seconds = time.perf_counter() - started
        if self.observe_turn is not None:
            self.observe_turn(seconds)
        result.metrics.setdefault("turn_ms", seconds * 1000)
        return result

    def _record_turn(
        self, conversation: Conversation, message: Event, result: TurnResult
    ) -> list[Event]:
        new_events = list(result.events)
        owner_change = None
        if result.escalation is not None:
            change = apply_transition(conversation.owner, Transition.ESCALATE)
            owner_change = (change, conversation.version)
            new_events.append(escalation_event(change, result.escalation))
        elif result.close:
            change = apply_transition(conversation.owner, Transition.CLOSE)
            owner_change = (change, conversation.version)
            new_events.append(change.event(Source.ASSISTANT, disposition="resolved"))
        if new_events:
            # The turn's latency rides on its first event, where analytics finds it.
            first = new_events[0]
            turn_ms = round(result.metrics["turn_ms"], 3)
            new_events[0] = replace(first, data={**first.data, "turn_ms": turn_ms})
        return self.store.append(
            conversation.id,
            new_events,
            idempotency_key=f"turn:{message.id}",
            caused_by=message.id,
            owner_change=owner_change,
            language=result.language,
        )


def escalation_event(
    change: OwnerChange, escalation: Escalation, source: Source = Source.ASSISTANT
) -> NewEvent:
    return change.event(
        source,
        reason=escalation.reason,
        priority=escalation.priority,
        skill=escalation.skill,
        detail=escalation.detail,
    )
