"""Helpers for the human side's tests: the desks wired by hand, a clock to move, escalations."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from argon2 import PasswordHasher

from relaydesk.desk.agent_work import AgentWorkDesk
from relaydesk.desk.agents import AgentDesk
from relaydesk.desk.approvals import ApprovalDesk
from relaydesk.desk.routing import RoutingDesk
from relaydesk.domain.agents import AgentAccount, Role
from relaydesk.domain.model import Conversation, EventKind, NewEvent, Owner, Source
from relaydesk.domain.ownership import Transition, apply_transition
from relaydesk.store.agents import AgentStore
from relaydesk.store.conversations import ConversationStore
from relaydesk.store.queue import QueueStore

PASSWORD = "correct horse battery"
# Cheap argon2 parameters: the tests exercise the flow, not the hash's cost.
FAST_HASHER = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)


class Clock:
    def __init__(self) -> None:
        self.now = datetime.now(UTC)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += timedelta(seconds=seconds)


@dataclass
class Desks:
    store: ConversationStore
    agent_store: AgentStore
    queue: QueueStore
    agents: AgentDesk
    routing: RoutingDesk
    work: AgentWorkDesk
    approvals: ApprovalDesk
    clock: Clock

    def add(
        self,
        name: str,
        role: Role = Role.AGENT,
        skills: tuple[str, ...] = (),
        languages: tuple[str, ...] = (),
        capacity: int = 3,
    ) -> AgentAccount:
        return self.agents.add_agent(
            email=f"{name.lower()}@example.com",
            display_name=name,
            password=PASSWORD,
            role=role,
            skills=skills,
            languages=languages,
            capacity=capacity,
        )

    def escalated(
        self,
        reason: str = "asked_for_human",
        *,
        skill: str | None = None,
        language: str | None = "en",
        priority: int = 1,
        frustration: float | None = None,
        text: str = "I need help with my refund",
    ) -> Conversation:
        return escalate(
            self.store,
            reason,
            skill=skill,
            language=language,
            priority=priority,
            frustration=frustration,
            text=text,
        )


def escalate(
    store: ConversationStore,
    reason: str = "asked_for_human",
    *,
    skill: str | None = None,
    language: str | None = "en",
    priority: int = 1,
    frustration: float | None = None,
    text: str = "I need help with my refund",
    external_ref: str | None = None,
) -> Conversation:
    """A conversation the assistant escalated, recorded as the assistant side records it."""
    customer = store.ensure_customer(external_ref, "Ann", language)
    conversation = store.create_conversation(customer.id, "web", language)
    before = [NewEvent(kind=EventKind.MESSAGE, source=Source.CUSTOMER, text=text)]
    if frustration is not None:
        signal = {"intent": "refund_status", "confidence": 0.9, "frustration": frustration}
        before.append(NewEvent(kind=EventKind.ASSISTANT_TURN, source=Source.ASSISTANT, data=signal))
    store.append(conversation.id, before)
    escalation = NewEvent(
        kind=EventKind.OWNER_CHANGED,
        source=Source.ASSISTANT,
        data={
            "transition": "escalate",
            "from": "assistant",
            "to": "queued",
            "reason": reason,
            "priority": priority,
            "skill": skill,
            "detail": None,
        },
    )
    change = apply_transition(Owner.ASSISTANT, Transition.ESCALATE)
    store.append(conversation.id, [escalation], owner_change=(change, conversation.version))
    return store.get_conversation(conversation.id)
