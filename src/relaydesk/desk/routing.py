"""Routing: escalated conversations enter the queue, agents claim them or get them assigned.

A claim is the store's compare-and-set on the conversation's owner and version, so two
processes (or fifty threads) can never give one conversation to two agents.
"""

from __future__ import annotations

import contextlib
import logging
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from relaydesk.bus.base import EventBus, notify_changed
from relaydesk.desk.queue_notices import follow_up_notice
from relaydesk.desk.waiting import WaitTeller, language_spoken
from relaydesk.domain.agents import (
    AgentAccount,
    AgentStatus,
    AtCapacity,
    QueueEntry,
    best_agent,
    queue_priority,
    require_can_read,
    suits,
)
from relaydesk.domain.business_hours import ALWAYS_OPEN, TeamHours
from relaydesk.domain.errors import Conflict, Forbidden, InvalidInput
from relaydesk.domain.message_payloads import FollowUpAsked
from relaydesk.domain.model import (
    AgentId,
    Conversation,
    ConversationId,
    Event,
    EventKind,
    NewEvent,
    Owner,
    Source,
)
from relaydesk.domain.ownership import Transition, apply_transition
from relaydesk.domain.payloads import OwnerChanged
from relaydesk.domain.turn_payloads import AssistantTurn
from relaydesk.store.agents import AgentStore
from relaydesk.store.conversations import ConversationStore, DuplicateKey, utcnow
from relaydesk.store.queue import QueueStore

log = logging.getLogger(__name__)

QUEUE_TOPIC = "desk:queue"
RELEASED_BONUS = 25
NO_ESCALATION = OwnerChanged(Transition.ESCALATE, None, None)  # queued with no reason given
EMAIL = re.compile(r"[^@\s]{1,64}@[^@\s]{1,255}\.[^@\s]{2,63}")


@dataclass(frozen=True)
class RoutingPolicy:
    """Timings of the routing loop; tests shorten them."""

    presence_timeout: timedelta = timedelta(seconds=45)
    relax_after: timedelta = timedelta(minutes=5)
    # How long a person typically holds a conversation: waits are estimated from it.
    handle_time: timedelta = timedelta(minutes=8)


@dataclass(frozen=True)
class QueueItem:
    entry: QueueEntry
    position: int
    waited_seconds: float
    customer_name: str = ""
    preview: str = ""  # the customer's first message


class RoutingDesk:
    """The queue, claims, automatic assignment and release of conversations."""

    def __init__(
        self,
        store: ConversationStore,
        queue: QueueStore,
        agents: AgentStore,
        bus: EventBus,
        *,
        policy: RoutingPolicy | None = None,
        clock: Callable[[], datetime] = utcnow,
        email_replies: bool = True,
        hours: TeamHours = ALWAYS_OPEN,
    ) -> None:
        self.store = store
        self.queue = queue
        self.agents = agents
        self.bus = bus
        self.policy = policy or RoutingPolicy()
        self.clock = clock
        self.email_replies = email_replies  # may a waiting customer be offered email?
        self.hours = hours  # when people work, per team (a skill)
        self.teller = WaitTeller(
            queue,
            agents,
            handle_minutes=self.policy.handle_time.total_seconds() / 60,
        )

    # --- entering the queue ---

    def sync_queue(self) -> int:
        """Queue every escalated conversation not queued yet; returns how many were added."""
        added = 0
        for conversation_id, version in self.queue.unqueued_escalations():
            with contextlib.suppress(Conflict):
                added += self.enqueue(conversation_id, version)
        return added

    def enqueue(self, conversation_id: ConversationId, version: int) -> bool:
        """Queue this escalation once and tell the customer the expected wait."""
        conversation = self.store.get_conversation(conversation_id)
        if conversation.owner is not Owner.QUEUED or conversation.version != version:
            return False
        entry = self._entry_for(conversation)
        if not self.queue.enqueue(entry):
            return False
        self._tell_wait(conversation, entry)
        self._publish_queue()
        return True

    def _entry_for(self, conversation: Conversation) -> QueueEntry:
        owner_events = self.queue.latest_events(conversation.id, (EventKind.OWNER_CHANGED,), 20)
        changes = [change for e in owner_events if (change := OwnerChanged.of(e)) is not None]
        turns = self.queue.latest_events(conversation.id, (EventKind.ASSISTANT_TURN,), 10)
        escalation = next(
            (change for change in changes if change.is_a(Transition.ESCALATE)), NO_ESCALATION
        )
        frustration = max(
            (turn.frustration for e in turns if (turn := AssistantTurn.of(e)) is not None),
            default=0.0,
        )
        reason = escalation.reason or "asked_for_human"
        priority = queue_priority(reason, escalation.priority, frustration)
        if changes and changes[0].is_a(Transition.RELEASE):
            priority += RELEASED_BONUS  # they have waited once already
        return QueueEntry(
            conversation_id=conversation.id,
            priority=priority,
            reason=reason,
            skill=escalation.skill,  # as the pack's escalation named it
            language=conversation.language,
            enqueued_at=self.clock(),
            version=conversation.version,
        )

    def _wait_notice(self, conversation: Conversation, entry: QueueEntry) -> NewEvent:
        """The place and expected wait; outside business hours, when people are back."""
        return self.teller.notice(conversation, entry, self.hours, self.clock(), self.email_replies)

    def _tell_wait(self, conversation: Conversation, entry: QueueEntry) -> None:
        notice = self._wait_notice(conversation, entry)
        # Keyed by the escalation: two processes queueing it at once tell the customer once.
        with contextlib.suppress(DuplicateKey):
            self.store.append(
                conversation.id, [notice], idempotency_key=f"queued:{conversation.version}"
            )
        notify_changed(self.bus, conversation.id)

    def tell_position(self, conversation_id: ConversationId, message: Event) -> list[Event]:
        """A waiting customer asks for a person again: the current place and wait, at once."""
        conversation = self.store.get_conversation(conversation_id)
        entry = self.queue.entry_for(conversation_id)
        if conversation.owner is not Owner.QUEUED or entry is None:
            return []
        notice = self._wait_notice(conversation, entry)
        try:
            told = self.store.append(
                conversation_id,
                [notice],
                idempotency_key=f"position:{message.id}",
                caused_by=message.id,
            )
        except DuplicateKey:
            return self.store.events_caused_by(message.id)
        notify_changed(self.bus, conversation_id)
        return told

    def position_of(self, entry: QueueEntry) -> int:
        return self.teller.position_of(entry)

    def _unspoken(self, entry: QueueEntry, statuses: list[AgentStatus]) -> bool:
        """Nobody on the team speaks the customer's language: any agent may take it now."""
        return not language_spoken(statuses, entry.language)

    def leave_follow_up(self, conversation_id: ConversationId, email: str) -> Conversation:
        """A waiting customer leaves an email address: a person follows up if nobody comes."""
        email = email.strip()
        if not EMAIL.fullmatch(email):
            raise InvalidInput("That does not look like an email address.")
        conversation = self.store.get_conversation(conversation_id)
        if conversation.owner is not Owner.QUEUED:
            raise Conflict("The conversation is not waiting for a person.")
        if self.queue.entry_for(conversation_id) is None:
            self.enqueue(conversation_id, conversation.version)
        self.queue.leave_follow_up(conversation_id, email)
        note = FollowUpAsked(email).event(f"The customer asked for a follow-up by email: {email}")
        thanks = NewEvent(
            kind=EventKind.MESSAGE,
            source=Source.SYSTEM,
            text=follow_up_notice(conversation.language, email),
        )
        key = f"follow-up:{conversation.version}:{email.lower()}"
        with contextlib.suppress(DuplicateKey):
            self.store.append(conversation_id, [note, thanks], idempotency_key=key)
        notify_changed(self.bus, conversation_id)
        return self.store.get_conversation(conversation_id)

    # --- the queue as agents see it ---

    def queue_for(self, agent: AgentAccount) -> list[QueueItem]:
        """What this agent may pick: entries they suit (everything for a supervisor)."""
        now = self.clock()
        statuses = self.agents.statuses()
        mine = [
            (position, entry)
            for position, entry in enumerate(self.queue.waiting(), start=1)
            if suits(
                agent,
                entry,
                relaxed=self._waited_long(entry),
                any_language=self._unspoken(entry, statuses),
            )
        ]
        previews = self.queue.previews([entry.conversation_id for _, entry in mine])
        return [
            QueueItem(
                entry,
                position,
                (now - entry.enqueued_at).total_seconds(),
                *previews.get(entry.conversation_id, ("", "")),
            )
            for position, entry in mine
        ]

    def require_can_read(self, agent: AgentAccount, conversation: Conversation) -> None:
        """Raise Forbidden unless the agent may see this conversation."""
        entry = None
        if conversation.owner is Owner.QUEUED:
            entry = self.queue.entry_for(conversation.id)
            if entry is None:  # escalated moments ago: queue it now (a no-op if raced)
                self.enqueue(conversation.id, conversation.version)
                entry = self.queue.entry_for(conversation.id)
        if entry is not None and agent.active and self._waited_long(entry):
            return  # a long wait opens the conversation to every agent
        unspoken = entry is not None and self._unspoken(entry, self.agents.statuses())
        require_can_read(agent, conversation, entry, any_language=unspoken)

    def _waited_long(self, entry: QueueEntry) -> bool:
        return self.clock() - entry.enqueued_at >= self.policy.relax_after

    # --- claims ---

    def claim(self, conversation_id: ConversationId, agent: AgentAccount) -> Conversation:
        """Take a queued conversation: exactly one agent wins, the others get Conflict."""
        conversation = self.store.get_conversation(conversation_id)
        if conversation.owner is Owner.AGENT and conversation.agent_id == agent.id:
            return conversation  # a repeated click
        if conversation.owner is not Owner.QUEUED:
            raise Conflict("This conversation is no longer waiting for a person.")
        try:
            self.require_can_read(agent, conversation)
        except Forbidden:
            if self.store.get_conversation(conversation_id).version != conversation.version:
                raise Conflict("Another agent took this conversation first.") from None
            raise
        status = self.agents.status(agent.id)
        if status.load >= agent.capacity and not agent.supervises:
            raise AtCapacity("You already hold as many conversations as you can take.")
        return self._assign(conversation, agent, automatic=False)

    def assign(
        self, conversation_id: ConversationId, agent: AgentAccount, by: AgentAccount
    ) -> Conversation:
        """A supervisor gives a waiting conversation to a named agent with room for it."""
        if not by.supervises:
            raise Forbidden("Only supervisors assign conversations by hand.")
        if not agent.active:
            raise InvalidInput(f"{agent.display_name}'s account is disabled.")
        conversation = self.store.get_conversation(conversation_id)
        if conversation.owner is not Owner.QUEUED:
            raise Conflict("This conversation is no longer waiting for a person.")
        if self.agents.status(agent.id).load >= agent.capacity:
            raise AtCapacity(f"{agent.display_name} already holds as many as they can take.")
        return self._assign(conversation, agent, automatic=False)

    def _assign(
        self, conversation: Conversation, agent: AgentAccount, *, automatic: bool
    ) -> Conversation:
        change = apply_transition(conversation.owner, Transition.CLAIM)
        joined = change.event(
            Source.AGENT,
            actor_id=agent.id,
            text=f"{agent.display_name} has joined the conversation.",
            agent_name=agent.display_name,
            automatic=automatic,
        )
        self.store.append(
            conversation.id,
            [joined],
            owner_change=(change, conversation.version),
            agent_id=agent.id,
        )
        now = self.clock()
        self.queue.mark_assigned(conversation.id, agent.id, now)
        self.agents.touch(agent.id, now, wake=True)
        notify_changed(self.bus, conversation.id)
        self._publish_queue()
        return self.store.get_conversation(conversation.id)

    def auto_assign(self) -> list[tuple[ConversationId, AgentId]]:
        """Give waiting conversations, most urgent first, to the best online agent with room."""
        assigned: list[tuple[ConversationId, AgentId]] = []
        team = self.agents.statuses()
        statuses = {status.agent.id: status for status in team}
        for entry in self.queue.waiting():
            relaxed = self._waited_long(entry)
            chosen = best_agent(
                list(statuses.values()),
                entry,
                relaxed=relaxed,
                any_language=self._unspoken(entry, team),
            )
            if chosen is None:
                continue
            try:
                conversation = self.store.get_conversation(entry.conversation_id)
                self._assign(conversation, chosen.agent, automatic=True)
            except Conflict:
                continue  # another process or a manual claim got there first
            statuses[chosen.agent.id] = AgentStatus(
                chosen.agent, chosen.presence, chosen.last_seen, chosen.load + 1
            )
            assigned.append((entry.conversation_id, chosen.agent.id))
        return assigned

    # --- leaving an agent ---

    def release(self, conversation_id: ConversationId, agent: AgentAccount) -> Conversation:
        """The agent puts the conversation back in the queue."""
        conversation = self.store.get_conversation(conversation_id)
        if conversation.agent_id != agent.id and not agent.supervises:
            raise Forbidden("Only the agent holding a conversation can release it.")
        self._release(conversation, "released")
        return self.store.get_conversation(conversation_id)

    def release_absent_agents(self) -> list[ConversationId]:
        """Agents unseen within the timeout go offline; their conversations return to the queue."""
        self.agents.mark_offline_unseen_since(self.clock() - self.policy.presence_timeout)
        released = []
        for _agent_id, conversation_ids in self.agents.offline_holders():
            for raw_id in conversation_ids:
                conversation = self.store.get_conversation(ConversationId(raw_id))
                with contextlib.suppress(Conflict):
                    self._release(conversation, "agent_offline")
                    released.append(conversation.id)
        return released

    def _release(self, conversation: Conversation, why: str) -> None:
        change = apply_transition(conversation.owner, Transition.RELEASE)
        back = change.event(
            Source.SYSTEM,
            text="The person helping you had to step away; you are back in the queue.",
            reason=why,
            released_agent=conversation.agent_id,
        )
        self.store.append(conversation.id, [back], owner_change=(change, conversation.version))
        self.enqueue(conversation.id, conversation.version + 1)

    def tick(self) -> None:
        """One round of the routing loop: queue, release the absent, assign."""
        self.sync_queue()
        self.release_absent_agents()
        self.auto_assign()

    def publish_queue_change(self) -> None:
        """Tell consoles the queue changed (a conversation left it without a person)."""
        self._publish_queue()

    def _publish_queue(self) -> None:
        try:
            self.bus.publish(QUEUE_TOPIC, {"changed": "queue"})
        except Exception:
            log.warning("Could not publish a queue notification", exc_info=True)
