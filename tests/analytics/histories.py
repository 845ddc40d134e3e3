"""Constructed conversation histories with known timings, for metric tests."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from relaydesk.analytics.facts import ConversationHistory
from relaydesk.domain.model import ConversationId, Event, EventId, EventKind, Source

DAY0 = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)


class HistoryBuilder:
    """Append events at given offsets (seconds or timedeltas) from the conversation's start."""

    def __init__(
        self,
        conversation_id: str,
        customer_id: str = "cus_1",
        *,
        start: datetime = DAY0,
        language: str = "en",
        channel: str = "web",
    ) -> None:
        self.id = conversation_id
        self.customer_id = customer_id
        self.start = start
        self.language = language
        self.channel = channel
        self.events: list[Event] = []

    def _add(
        self,
        at: float | timedelta,
        kind: EventKind,
        source: Source,
        data: dict[str, Any] | None = None,
        actor_id: str | None = None,
    ) -> HistoryBuilder:
        offset = at if isinstance(at, timedelta) else timedelta(seconds=at)
        self.events.append(
            Event(
                id=EventId(f"evt_{self.id}_{len(self.events) + 1}"),
                conversation_id=ConversationId(self.id),
                seq=len(self.events) + 1,
                kind=kind,
                source=source,
                created_at=self.start + offset,
                data=data or {},
                actor_id=actor_id,
            )
        )
        return self

    def customer(self, at: float | timedelta) -> HistoryBuilder:
        return self._add(at, EventKind.MESSAGE, Source.CUSTOMER)

    def assistant_turn(
        self, at: float | timedelta, intent: str = "next_payment", turn_ms: float = 50.0
    ) -> HistoryBuilder:
        data = {"intent": intent, "confidence": 0.9, "out_of_scope": False, "turn_ms": turn_ms}
        self._add(at, EventKind.ASSISTANT_TURN, Source.ASSISTANT, data)
        return self._add(at, EventKind.MESSAGE, Source.ASSISTANT)

    def model_call(
        self, at: float | timedelta, source: Source = Source.ASSISTANT, **record: Any
    ) -> HistoryBuilder:
        """One language-model call's record, on a turn (the assistant's) or a hand-off note."""
        kind = EventKind.ASSISTANT_TURN if source is Source.ASSISTANT else EventKind.HANDOFF_NOTE
        return self._add(at, kind, source, {"llm": [record]})

    def owner(self, at: float | timedelta, transition: str, **data: Any) -> HistoryBuilder:
        source = Source.AGENT if transition in ("claim", "hand_back") else Source.ASSISTANT
        actor = data.pop("agent", None)
        return self._add(
            at, EventKind.OWNER_CHANGED, source, {"transition": transition, **data}, actor
        )

    def escalate(self, at: float | timedelta, reason: str = "asked_for_human") -> HistoryBuilder:
        return self.owner(at, "escalate", reason=reason)

    def claim(self, at: float | timedelta, agent: str = "agt_1") -> HistoryBuilder:
        return self.owner(at, "claim", agent=agent)

    def agent_reply(self, at: float | timedelta, agent: str = "agt_1") -> HistoryBuilder:
        return self._add(at, EventKind.MESSAGE, Source.AGENT, actor_id=agent)

    def close(self, at: float | timedelta, disposition: str = "resolved") -> HistoryBuilder:
        return self.owner(at, "close", disposition=disposition)

    def approval(self, at: float | timedelta, approval_id: str, status: str) -> HistoryBuilder:
        data = {"approval_id": approval_id, "status": status}
        return self._add(at, EventKind.APPROVAL, Source.ASSISTANT, data)

    def csat(self, at: float | timedelta, score: int) -> HistoryBuilder:
        return self._add(at, EventKind.CSAT_RATING, Source.CUSTOMER, {"csat": score})

    def build(self) -> ConversationHistory:
        return ConversationHistory(
            id=self.id,
            customer_id=self.customer_id,
            language=self.language,
            channel=self.channel,
            created_at=self.start,
            events=list(self.events),
        )


def resolved_by_assistant(
    conversation_id: str,
    customer_id: str = "cus_1",
    *,
    start: datetime = DAY0,
    intent: str = "next_payment",
    **options: Any,
) -> HistoryBuilder:
    """Asked, answered in 2 s, closed after a minute: the assistant's everyday case."""
    return (
        HistoryBuilder(conversation_id, customer_id, start=start, **options)
        .customer(0)
        .assistant_turn(2, intent)
        .close(60)
    )
