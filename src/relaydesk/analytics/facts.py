"""What one conversation's events say about it: pure functions, no I/O.

Every metric in `relaydesk.analytics.metrics` is an aggregate of these facts, so each
definition in docs/metrics.md maps to one small function here.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime

from relaydesk.analytics.model_calls import ModelCall, model_calls
from relaydesk.domain.agents import ApprovalStatus
from relaydesk.domain.model import Event, EventKind, Source
from relaydesk.domain.payloads import ApprovalNoted, CsatRated, OwnerChanged
from relaydesk.domain.turn_payloads import AssistantTurn, turn_latency_ms

CONFIDENT = 0.5
REPLY_SOURCES = frozenset({Source.ASSISTANT, Source.AGENT})
LEAVING = frozenset({"hand_back", "close", "release"})


@dataclass(frozen=True)
class ConversationHistory:
    """A stored conversation with every event it has, oldest first."""

    id: str
    customer_id: str
    language: str | None
    channel: str
    created_at: datetime
    events: Sequence[Event]


@dataclass(frozen=True)
class FirstReplyWait:
    """From an entry into the queue to the first agent message after it, and for which team
    (the skill it waited for): business hours are the team's."""

    since: datetime
    until: datetime
    team: str | None = None

    @property
    def seconds(self) -> float:
        return (self.until - self.since).total_seconds()


@dataclass(frozen=True)
class HandleSpan:
    """One stretch of an agent holding a conversation: from claim to leaving it."""

    agent_id: str
    claimed_at: datetime
    left_at: datetime | None

    @property
    def seconds(self) -> float | None:
        return None if self.left_at is None else (self.left_at - self.claimed_at).total_seconds()


@dataclass(frozen=True)
class Rating:
    score: int
    human: bool


@dataclass(frozen=True)
class ConversationFacts:
    """The facts of one conversation that metrics are built from."""

    id: str
    customer_id: str
    language: str | None
    channel: str
    started_at: datetime
    intent: str | None
    escalation_reasons: tuple[str, ...]
    human_involved: bool
    closed_at: datetime | None
    disposition: str | None
    first_response_seconds: float | None
    queue_waits: tuple[float, ...]
    handle_spans: tuple[HandleSpan, ...]
    approval_decisions: tuple[float, ...]
    approvals_requested: int
    turn_ms: tuple[float, ...]
    ratings: tuple[Rating, ...] = field(default=())
    model_calls: tuple[ModelCall, ...] = field(default=())
    person_first_replies: tuple[FirstReplyWait, ...] = field(default=())
    team: str | None = None  # the skill the last escalation asked for: its business hours

    @property
    def escalated(self) -> bool:
        return bool(self.escalation_reasons)

    @property
    def closed_by_assistant_side(self) -> bool:
        """Closed without a person ever being asked for."""
        return self.closed_at is not None and not self.escalated

    @property
    def resolution_seconds(self) -> float | None:
        if self.closed_at is None:
            return None
        return (self.closed_at - self.started_at).total_seconds()


def _transition(event: Event) -> str | None:
    change = OwnerChanged.of(event)
    return change.transition.value if change is not None and change.transition else None


def _changed(event: Event) -> OwnerChanged:
    """The payload of an event already known to be an owner change."""
    return OwnerChanged.of(event) or OwnerChanged(None, None, None)


def intent_of(events: Sequence[Event]) -> str | None:
    """The first intent the assistant was confident about; else the first it named."""
    turns = [turn for e in events if (turn := AssistantTurn.of(e)) is not None]
    named = [(intent, turn.sure) for turn in turns if (intent := turn.named_intent())]
    for intent, confidence in named:
        if confidence >= CONFIDENT:
            return intent
    return named[0][0] if named else None


def first_response_seconds(events: Sequence[Event]) -> float | None:
    """From the customer's first message to the first message an assistant or agent sent."""
    asked = next(
        (e for e in events if e.kind is EventKind.MESSAGE and e.source is Source.CUSTOMER), None
    )
    if asked is None:
        return None
    answer = next(
        (
            e
            for e in events
            if e.seq > asked.seq and e.kind is EventKind.MESSAGE and e.source in REPLY_SOURCES
        ),
        None,
    )
    return None if answer is None else (answer.created_at - asked.created_at).total_seconds()


def person_first_replies(events: Sequence[Event]) -> tuple[FirstReplyWait, ...]:
    """Each entry into the queue until the first message an agent sent after it (entries left
    without any agent message, handed back or closed, are not counted)."""
    replies: list[FirstReplyWait] = []
    waiting_since: datetime | None = None
    team: str | None = None
    for event in events:
        transition = _transition(event)
        if transition == "escalate":  # the skill as the escalation named it, as routing reads it
            team = _changed(event).skill
        if transition in ("escalate", "release"):
            waiting_since = waiting_since or event.created_at
        elif transition in ("close", "hand_back", "resume"):
            waiting_since = None
        elif waiting_since and event.kind is EventKind.MESSAGE and event.source is Source.AGENT:
            replies.append(FirstReplyWait(waiting_since, event.created_at, team))
            waiting_since = None
    return tuple(replies)


def last_team(events: Sequence[Event]) -> str | None:
    """The skill the last escalation named, as routing reads it (None: anyone)."""
    escalations = [e for e in events if _transition(e) == "escalate"]
    return _changed(escalations[-1]).skill if escalations else None


def queue_waits(events: Sequence[Event]) -> tuple[float, ...]:
    """Seconds from each entry into the queue (escalation or release) to the claim ending it."""
    waits: list[float] = []
    waiting_since: datetime | None = None
    for event in events:
        transition = _transition(event)
        if transition in ("escalate", "release"):
            waiting_since = event.created_at
        elif transition == "claim" and waiting_since is not None:
            waits.append((event.created_at - waiting_since).total_seconds())
            waiting_since = None
        elif transition in ("close", "resume"):
            waiting_since = None
    return tuple(waits)


def handle_spans(events: Sequence[Event]) -> tuple[HandleSpan, ...]:
    """Each claim to the hand-back, close or release that ended it (None while still held)."""
    spans: list[HandleSpan] = []
    holder: tuple[str, datetime] | None = None
    for event in events:
        transition = _transition(event)
        if transition == "claim":
            holder = (str(event.actor_id or "?"), event.created_at)
        elif transition in LEAVING and holder is not None:
            spans.append(HandleSpan(holder[0], holder[1], event.created_at))
            holder = None
    if holder is not None:
        spans.append(HandleSpan(holder[0], holder[1], None))
    return tuple(spans)


def approval_decisions(events: Sequence[Event]) -> tuple[int, tuple[float, ...]]:
    """How many approvals were requested, and the seconds each decided one waited."""
    requested: dict[str, datetime] = {}
    decided: list[float] = []
    for event in events:
        noted = ApprovalNoted.of(event)
        if noted is None:
            continue
        if noted.status is ApprovalStatus.PENDING:
            requested.setdefault(noted.approval_id, event.created_at)
        elif noted.approval_id in requested and noted.status is not None:
            waited = event.created_at - requested.pop(noted.approval_id)
            decided.append(waited.total_seconds())
    return len(requested) + len(decided), tuple(decided)


def turn_latencies(events: Sequence[Event]) -> tuple[float, ...]:
    """The assistant's turn latency in milliseconds, as recorded on each turn's first event."""
    found = (turn_latency_ms(event) for event in events)
    return tuple(value for value in found if value is not None)


def ratings(events: Sequence[Event]) -> tuple[Rating, ...]:
    """CSAT ratings, each marked human when a person had held the conversation before it."""
    found: list[Rating] = []
    claimed = False
    for event in events:
        if _transition(event) == "claim":
            claimed = True
        rating = CsatRated.of(event)
        if rating is not None:
            found.append(Rating(rating.score, human=claimed))
    return tuple(found)


def final_close(events: Sequence[Event]) -> tuple[datetime | None, str | None]:
    """When and how the conversation last closed, if it is closed now."""
    for event in reversed(events):
        transition = _transition(event)
        if transition == "close":
            return event.created_at, _changed(event).disposition
        if transition is not None:
            return None, None
    return None, None


def facts_of(history: ConversationHistory) -> ConversationFacts:
    """Everything the metrics need from one conversation."""
    events = sorted(history.events, key=lambda e: e.seq)
    transitions = [(_transition(e), e) for e in events]
    closed_at, disposition = final_close(events)
    requested, decisions = approval_decisions(events)
    spans = handle_spans(events)
    human = bool(spans) or any(
        e.kind is EventKind.MESSAGE and e.source is Source.AGENT for e in events
    )
    return ConversationFacts(
        id=history.id,
        customer_id=history.customer_id,
        language=history.language,
        channel=history.channel,
        started_at=events[0].created_at if events else history.created_at,
        intent=intent_of(events),
        escalation_reasons=tuple(
            _changed(e).reason or "unknown" for t, e in transitions if t == "escalate"
        ),
        human_involved=human,
        closed_at=closed_at,
        disposition=disposition,
        first_response_seconds=first_response_seconds(events),
        queue_waits=queue_waits(events),
        handle_spans=spans,
        approval_decisions=decisions,
        approvals_requested=requested,
        turn_ms=turn_latencies(events),
        ratings=ratings(events),
        model_calls=model_calls(events),
        person_first_replies=person_first_replies(events),
        team=last_team(events),
    )
