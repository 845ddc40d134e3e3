"""How long a waiting customer waits, and why: estimated from the queue as it is now.

A customer whom a present agent with room can take is told "shortly". Otherwise as many
conversations must end as there are people ahead beyond the free seats, and they end at the
rate the suitable agents' conversations do (each lasts about `handle_minutes`). Recent waits
are not used: after a quiet night they said "40 min" to the first customers of the morning,
then "about 1 min" a few claims later.

Pure functions over agents' statuses, so the rules are tested without a database.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from relaydesk.desk.opening_hours import back_at_words
from relaydesk.desk.queue_notices import WaitKind, closed_notice, queue_notice
from relaydesk.domain.agents import AgentStatus, Presence, QueueEntry, language_matches, suits
from relaydesk.domain.business_hours import TeamHours
from relaydesk.domain.model import Conversation, EventKind, NewEvent, Source
from relaydesk.store.agents import AgentStore
from relaydesk.store.queue import QueueStore

# English is the language replies fall back to, so it is never "a language nobody speaks".
FALLBACK_LANGUAGE = "en"


@dataclass(frozen=True)
class WaitEstimate:
    kind: WaitKind
    position: int
    minutes: int


def language_spoken(statuses: Sequence[AgentStatus], language: str | None) -> bool:
    """Whether anyone on the team (online or not) speaks it; True with no team at all."""
    team = [status.agent for status in statuses if status.agent.active]
    base = (language or FALLBACK_LANGUAGE).split("-")[0].split("_")[0].lower()
    if not team or base == FALLBACK_LANGUAGE:
        return True
    return any(language_matches(agent, language) for agent in team)


def present_helpers(
    statuses: Sequence[AgentStatus], entry: QueueEntry, *, any_language: bool
) -> list[AgentStatus]:
    """Agents signed in (online or away) who may take this conversation."""
    return [
        status
        for status in statuses
        if status.presence is not Presence.OFFLINE
        and suits(status.agent, entry, any_language=any_language)
    ]


def estimate_wait(
    helpers: Sequence[AgentStatus], position: int, handle_minutes: float, *, spoken: bool
) -> WaitEstimate:
    """The kind of wait and the expected minutes for the customer at `position`."""
    free = sum(max(0, s.agent.capacity - s.load) for s in helpers)
    busy = sum(min(s.load, s.agent.capacity) for s in helpers)
    ahead = max(0, position - 1)
    if free > ahead:
        minutes = 1  # the routing loop (or an agent picking) takes them within moments
    else:
        to_end = ahead - free + 1  # conversations that must end before their turn
        minutes = math.ceil(to_end * handle_minutes / max(1, busy))
    if not spoken:
        kind = WaitKind.NO_LANGUAGE
    elif not helpers:
        kind = WaitKind.NOBODY_ONLINE
    elif free > ahead:
        kind = WaitKind.SHORTLY
    else:
        kind = WaitKind.ALL_BUSY
    return WaitEstimate(kind, position, max(1, minutes))


class WaitTeller:
    """Tells a waiting customer their place, the expected wait and why, in their language."""

    def __init__(self, queue: QueueStore, agents: AgentStore, *, handle_minutes: float) -> None:
        self.queue = queue
        self.agents = agents
        self.handle_minutes = handle_minutes

    def estimate(self, entry: QueueEntry) -> WaitEstimate:
        statuses = self.agents.statuses()
        spoken = language_spoken(statuses, entry.language)
        helpers = present_helpers(statuses, entry, any_language=not spoken)
        return estimate_wait(helpers, self.position_of(entry), self.handle_minutes, spoken=spoken)

    def position_of(self, entry: QueueEntry) -> int:
        waiting = self.queue.waiting()
        for index, other in enumerate(waiting, start=1):
            if other.conversation_id == entry.conversation_id:
                return index
        return len(waiting) + 1

    def notice(
        self,
        conversation: Conversation,
        entry: QueueEntry,
        hours: TeamHours,
        now: datetime,
        email_replies: bool,
    ) -> NewEvent:
        """The place and expected wait; outside business hours, when people are back. Email
        is offered only when relaydesk can send it (`email_replies`)."""
        back_at = hours.closed_until(entry.skill, now)
        if back_at is not None:
            team_hours = hours.for_team(entry.skill)
            assert team_hours is not None  # closed_until says closed only for configured hours
            words = back_at_words(back_at, team_hours, conversation.language)
            return NewEvent(
                kind=EventKind.MESSAGE,
                source=Source.SYSTEM,
                text=closed_notice(conversation.language, words, email_replies),
                data={"queue_position": self.position_of(entry), "back_at": back_at.isoformat()},
            )
        wait = self.estimate(entry)
        text = queue_notice(
            conversation.language, wait.kind, wait.minutes, wait.position, email_replies
        )
        return NewEvent(
            kind=EventKind.MESSAGE,
            source=Source.SYSTEM,
            text=text,
            data={
                "wait_minutes": wait.minutes,
                "queue_position": wait.position,
                "wait_kind": wait.kind.value,
            },
        )
