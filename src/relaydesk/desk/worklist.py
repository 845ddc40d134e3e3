"""The console's conversation lists: who is waiting, why, for how long, and when the SLA breaks.

A row's clock is the customer's wait for a person: from entering the queue until an agent's
first reply (the first-response target), then from the first customer message an agent has
not answered yet (the reply target). A conversation whose customer is answered has no clock.
Apart from that clock, the resolution target runs from the conversation's start for as long as
it stays open. Only the team's business hours count: outside them the clocks are paused and the
targets move on by the closed time.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from relaydesk.desk.handoff import latest_request
from relaydesk.desk.routing import QueueItem, RoutingDesk
from relaydesk.domain.agents import AgentAccount
from relaydesk.domain.model import ConversationId
from relaydesk.store.conversations import utcnow
from relaydesk.store.worklist import ConversationFacts, WorklistStore

SOON = 0.25  # the last quarter of a target is shown as "due soon"


@dataclass(frozen=True)
class SlaTargets:
    """How fast a person should answer: first response after queueing, then each reply; and
    how long a conversation may stay open (resolution)."""

    first_response: timedelta = timedelta(minutes=5)
    reply: timedelta = timedelta(minutes=5)
    resolution: timedelta = timedelta(hours=4)


@dataclass(frozen=True)
class WorkItem:
    """One row of the console's lists."""

    conversation_id: ConversationId
    customer_name: str
    language: str | None
    reason: str | None  # why a person: the escalation's reason
    intent: str | None  # what they want, as the assistant understood it
    preview: str
    waiting_since: datetime | None  # None: nobody is waiting for an answer
    due_at: datetime | None  # when the SLA target breaks
    target: str | None  # "first response" or "reply"
    position: int | None = None  # in the queue
    priority: int | None = None
    skill: str | None = None
    paused_until: datetime | None = None  # outside business hours: the clock stops until then
    opened_at: datetime | None = None  # the conversation's start
    resolution_due: datetime | None = None  # when the resolution target breaks

    def waited_seconds(self, now: datetime) -> float:
        return (now - self.waiting_since).total_seconds() if self.waiting_since else 0.0

    def open_seconds(self, now: datetime) -> float:
        return (now - self.opened_at).total_seconds() if self.opened_at else 0.0

    def resolution_late(self, now: datetime) -> bool:
        """Open for longer than the resolution target (open business hours only)."""
        return self.resolution_due is not None and self.resolution_due <= now

    def sla_state(self, now: datetime, targets: SlaTargets) -> str:
        """ok, soon, breached or paused (outside business hours); "none" when nobody waits."""
        if self.due_at is None:
            return "none"
        if self.paused_until is not None and self.due_at > now:
            return "paused"
        left = (self.due_at - now).total_seconds()
        full = targets.first_response if self.target == "first response" else targets.reply
        if left < 0:
            return "breached"
        return "soon" if left <= full.total_seconds() * SOON else "ok"


def waiting_clock(facts: ConversationFacts, targets: SlaTargets) -> tuple[datetime | None, str]:
    """Since when the customer waits for a person, and which target applies."""
    queued, answered = facts.enqueued_at, facts.last_agent_message
    if queued is not None and (answered is None or answered[1] < queued):
        return queued, "first response"
    answered_seq = facts.last_agent_message[0] if facts.last_agent_message else 0
    unanswered = [moment for seq, moment in facts.customer_messages if seq > answered_seq]
    return (min(unanswered) if unanswered else None), "reply"


class Worklist:
    """Builds the rows of "My conversations" and the queue for one agent."""

    def __init__(
        self,
        store: WorklistStore,
        routing: RoutingDesk,
        targets: SlaTargets | None = None,
        clock: Callable[[], datetime] = utcnow,
    ) -> None:
        self.store = store
        self.routing = routing
        self.targets = targets or SlaTargets()
        self.clock = clock

    def mine(self, agent: AgentAccount) -> list[WorkItem]:
        """The agent's conversations, the one closest to breaking its SLA first."""
        held = self.routing.agents.held_conversations(agent.id)
        facts = self.store.facts([conversation.id for conversation in held])
        items = [
            self._item(conversation.id, facts[conversation.id])
            for conversation in held
            if conversation.id in facts
        ]
        far = datetime.max.replace(tzinfo=self.clock().tzinfo)
        return sorted(items, key=lambda item: item.due_at or far)

    def queue(self, agent: AgentAccount) -> list[WorkItem]:
        """The queue as this agent may pick from it, in queue order."""
        waiting = self.routing.queue_for(agent)
        facts = self.store.facts([item.entry.conversation_id for item in waiting])
        return [
            self._queued(item, facts[item.entry.conversation_id])
            for item in waiting
            if item.entry.conversation_id in facts
        ]

    def _due(
        self, team: str | None, since: datetime | None, span: timedelta
    ) -> tuple[datetime | None, datetime | None]:
        """When the target breaks counting open time only, and until when the clock is paused."""
        if since is None:
            return None, None
        hours = self.routing.hours
        return hours.due(team, since, span), hours.closed_until(team, self.clock())

    def _item(self, conversation_id: ConversationId, facts: ConversationFacts) -> WorkItem:
        since, target = waiting_clock(facts, self.targets)
        span = self.targets.first_response if target == "first response" else self.targets.reply
        due_at, paused_until = self._due(facts.skill, since, span)
        resolution_due, _ = self._due(facts.skill, facts.opened_at, self.targets.resolution)
        return WorkItem(
            conversation_id=conversation_id,
            customer_name=facts.customer_name,
            language=facts.language,
            reason=facts.reason,
            intent=latest_request(facts.turns),
            preview=facts.first_message,
            waiting_since=since,
            due_at=due_at,
            target=target if since else None,
            paused_until=paused_until,
            opened_at=facts.opened_at,
            resolution_due=resolution_due,
        )

    def _queued(self, item: QueueItem, facts: ConversationFacts) -> WorkItem:
        entry = item.entry
        due_at, paused_until = self._due(
            entry.skill, entry.enqueued_at, self.targets.first_response
        )
        resolution_due, _ = self._due(entry.skill, facts.opened_at, self.targets.resolution)
        return WorkItem(
            conversation_id=entry.conversation_id,
            customer_name=facts.customer_name,
            language=entry.language or facts.language,
            reason=entry.reason,
            intent=latest_request(facts.turns),
            preview=facts.first_message,
            waiting_since=entry.enqueued_at,
            due_at=due_at,
            target="first response",
            position=item.position,
            priority=entry.priority,
            skill=entry.skill,
            paused_until=paused_until,
            opened_at=facts.opened_at,
            resolution_due=resolution_due,
        )
