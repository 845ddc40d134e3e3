"""One simulated visit, end to end through the public API: customer, maybe an agent, a rating."""

from __future__ import annotations

import random
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import httpx

from relaydesk.simulation.client import AgentClient, AgentLogin, ApiError, CustomerClient, later
from relaydesk.simulation.plan import Visit
from relaydesk.simulation.staffing import AgentPool

RATING_SHARE = 0.4
ABANDON_SHARE = 0.6
APPROVE_SHARE = 0.85
HAND_BACK_SHARE = 0.5
SATISFIED = (5, 4, 3, 2, 1)
ASSISTANT_SCORES = (52, 30, 9, 5, 4)
HUMAN_SCORES = (46, 30, 12, 7, 5)


@dataclass(frozen=True)
class VisitResult:
    conversation_id: str
    anchors: list[tuple[datetime, datetime]]
    outcome: str


class VisitRunner:
    """Plays visits; shared by worker threads (the pool and semaphores are thread-safe).

    With several servers (one database), visits are spread over them round-robin.
    """

    def __init__(
        self,
        clients: Sequence[httpx.Client],
        identity_secret: str,
        pool: AgentPool,
        logins: Sequence[AgentLogin],
        capacity: int,
        seed: int,
    ) -> None:
        self.clients = clients
        self.identity_secret = identity_secret
        self.pool = pool
        self.logins = logins
        self.seats = [threading.BoundedSemaphore(capacity) for _ in logins]
        self.seed = seed

    def run(self, index: int, visit: Visit) -> VisitResult:
        rng = random.Random(self.seed * 1_000_003 + index)
        # Visits take turns between the servers; any of them serves any conversation.
        http = self.clients[index % len(self.clients)]
        customer = CustomerClient(http, self.identity_secret)
        try:
            outcome = self._play(rng, visit, customer)
        except (ApiError, httpx.HTTPError) as error:
            outcome = f"error: {error}"
        return VisitResult(customer.conversation_id, customer.timeline.anchors, outcome)

    def _play(self, rng: random.Random, visit: Visit, customer: CustomerClient) -> str:
        script = visit.script
        customer.start(visit.arrives, visit.customer_ref, script.language, visit.channel)
        at = later(visit.arrives, 5, 30, rng)
        owner = "assistant"
        for text in script.messages:
            owner = _owner_after(customer.send(at, text), owner)
            at = later(customer.timeline.now, 10, 60, rng)
            if owner != "assistant":
                break
        if owner == "queued":
            return self._with_agent(rng, visit, customer)
        if owner == "assistant" and script.ending in ("close", "goodbye"):
            customer.close(at)
            owner = "closed"
        if owner != "closed":
            return "left open"
        self._maybe_rate(rng, customer, ASSISTANT_SCORES)
        return "assistant"

    def _with_agent(self, rng: random.Random, visit: Visit, customer: CustomerClient) -> str:
        queued_at = customer.timeline.now
        pickup = self.pool.pick_up(queued_at)
        patience = timedelta(minutes=rng.uniform(10, 90))
        if pickup.claim_at - queued_at > patience and rng.random() < ABANDON_SHARE:
            self.pool.release(pickup)
            customer.close(queued_at + patience)
            self._maybe_rate(rng, customer, (0, 0, 10, 30, 60))
            return "abandoned"
        with self.seats[pickup.agent]:
            agent = AgentClient(customer.http, self.logins[pickup.agent], customer.timeline)
            return self._agent_works(rng, visit, customer, agent, pickup.claim_at, pickup.handle)

    def _agent_works(
        self,
        rng: random.Random,
        visit: Visit,
        customer: CustomerClient,
        agent: AgentClient,
        claim_at: datetime,
        handle: timedelta,
    ) -> str:
        conversation = customer.conversation_id
        try:
            agent.claim(claim_at, conversation)
        except ApiError as error:
            if error.status == 409:
                return "taken by someone else"
            raise
        agent.reply(later(claim_at, 20, 90, rng), conversation, visit.script.agent_reply)
        approved = visit.script.needs_approval and self._decide_approval(
            rng, agent, conversation, claim_at
        )
        done = max(claim_at + handle, customer.timeline.now + timedelta(seconds=30))
        if rng.random() < HAND_BACK_SHARE:
            agent.hand_back(done, conversation)
            reply = customer.send(later(done, 20, 60, rng), visit.script.farewell)
            if _owner_after(reply, "assistant") != "closed":
                customer.close(later(customer.timeline.now, 5, 30, rng))
        else:
            agent.close(done, conversation, "refunded" if approved else "resolved")
        self._maybe_rate(rng, customer, HUMAN_SCORES)
        return "agent"

    def _decide_approval(
        self, rng: random.Random, agent: AgentClient, conversation: str, claim_at: datetime
    ) -> bool:
        approval = agent.pending_approval(conversation)
        if approval is None:
            return False
        approve = rng.random() < APPROVE_SHARE
        agent.decide(later(claim_at, 60, 240, rng), approval, approve)
        return approve

    def _maybe_rate(
        self, rng: random.Random, customer: CustomerClient, weights: Sequence[int]
    ) -> None:
        if rng.random() >= RATING_SHARE:
            return
        score = rng.choices(SATISFIED, weights=weights)[0]
        try:
            customer.rate(later(customer.timeline.now, 10, 120, rng), score)
        except ApiError as error:
            if error.status != 409:  # reopened or already rated: the customer moves on
                raise


def _owner_after(receipt: dict[str, Any], current: str) -> str:
    """The owner after a message, from the owner changes among the replies."""
    for event in receipt.get("replies", []):
        if event.get("kind") == "owner_changed" and event.get("data", {}).get("to"):
            current = str(event["data"]["to"])
    return current
