"""The warm hand-off: what a person needs to pick a conversation up without asking again.

`summarize` is a pure function over a conversation's events: what the customer wants, the
data already gathered, what was tried, why it was escalated and how frustrated they are.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from relaydesk.assistant.dialogue import ActiveFlow, DialogueState, state_of
from relaydesk.domain.agents import ApprovalStatus, Handoff, ToolAttempt
from relaydesk.domain.model import Event, EventKind, Source
from relaydesk.domain.ownership import Transition
from relaydesk.domain.payloads import ApprovalNoted, OwnerChanged, ToolRan
from relaydesk.domain.turn_payloads import AssistantTurn

CONFIDENT = 0.5
FRUSTRATED = 0.6


def _latest_escalation(events: Sequence[Event]) -> OwnerChanged | None:
    for event in reversed(events):
        change = OwnerChanged.of(event)
        if change is not None and change.is_a(Transition.ESCALATE):
            return change
    return None


# answers to the assistant's questions and pleasantries: what the customer said, not wanted
CONVERSATIONAL = frozenset({"affirm", "deny", "cancel", "greeting", "thanks", "goodbye"})


def latest_request(turns: Sequence[AssistantTurn]) -> str | None:
    """The newest confident request; a "yes" to a confirmation does not replace it."""
    confident = [turn for turn in turns if turn.sure >= CONFIDENT]
    for pool in (confident, list(turns)):
        for turn in reversed(pool):
            if turn.intent and turn.intent not in CONVERSATIONAL:
                return turn.intent
    return None


def _turns(events: Sequence[Event]) -> list[AssistantTurn]:
    return [turn for e in events if (turn := AssistantTurn.of(e)) is not None]


def _dialogue(turns: Sequence[AssistantTurn]) -> DialogueState:
    """The assistant's own state on its newest turn (its open and parked flows), if any."""
    states = (state_of(turn) for turn in reversed(turns))
    return next((state for state in states if state is not None), DialogueState())


def _flows(state: DialogueState) -> list[ActiveFlow]:
    return [flow for flow in (state.flow, *state.parked) if flow is not None and flow.name]


def _gathered(events: Sequence[Event], language: str | None) -> dict[str, Any]:
    gathered: dict[str, Any] = {"language": language} if language else {}
    turns = _turns(events)
    for turn in turns:
        gathered.update(turn.found)
    state = _dialogue(turns)
    for flow in _flows(state):
        gathered.update(flow.slots)
    if state.verified_customer_id:
        gathered["verified_customer"] = state.verified_customer_id
    for event in events:
        ran = ToolRan.of(event)
        if ran is not None and ran.done:
            gathered.update({k: v for k, v in ran.params.items() if k not in gathered})
    return {key: value for key, value in gathered.items() if value is not None}  # not asked yet


def _tried(events: Sequence[Event]) -> list[ToolAttempt]:
    """Tool calls and their outcomes, then the flows the assistant left unfinished."""
    tried = []
    for event in events:
        ran = ToolRan.of(event)
        if ran is not None:
            tried.append(ToolAttempt(tool=ran.tool, status=ran.status, params=ran.params))
    state = _dialogue(_turns(events))
    for flow in _flows(state):
        failed = state.failures.get(flow.name, 0)
        status = f"failed {failed}x" if failed else "unfinished"
        tried.append(ToolAttempt(tool=f"flow:{flow.name}", status=status))
    return tried


def _pending_approvals(events: Sequence[Event]) -> list[ApprovalNoted]:
    latest: dict[str, ApprovalNoted] = {}
    for event in events:
        noted = ApprovalNoted.of(event)
        if noted is not None:
            latest[noted.approval_id] = noted
    return [noted for noted in latest.values() if noted.status is ApprovalStatus.PENDING]


def _open_question(turns: Sequence[AssistantTurn]) -> str | None:
    """What the assistant last asked and never got an answer to: a step for the person."""
    # The newest turn, or the one before it when the newest handed over (and closed it).
    for turn in list(reversed(turns))[:2]:
        state = state_of(turn)
        flow = state.flow if state is not None else None
        if flow is not None and flow.awaiting:
            name = flow.name.replace("_", " ")
            values = ", ".join(f"{k} {v}" for k, v in sorted(flow.slots.items()) if v is not None)
            waited = "a yes" if flow.awaiting == "confirm" else flow.awaiting
            return f"Pending: {name} was waiting for {waited}" + (f" ({values})" if values else "")
    return None


def _unanswered(events: Sequence[Event]) -> list[str]:
    """The customer's questions the assistant said it had no answer for, oldest first."""
    asked = {e.id: e.text for e in events if e.kind is EventKind.MESSAGE and e.text}
    return [
        f'Unanswered: "{asked[event.caused_by][:200]}"'
        for event in events
        if (turn := AssistantTurn.of(event)) is not None
        and turn.unanswered
        and event.caused_by in asked
    ]


def _suggestions(
    reason: str | None, frustration: float, tried: list[ToolAttempt], pending: list[ApprovalNoted]
) -> list[str]:
    suggestions = [f"Decide the pending approval: {p.summary or p.tool}" for p in pending]
    if frustration >= FRUSTRATED:
        suggestions.append("Acknowledge the customer's frustration before anything else.")
    if reason and reason.startswith("sensitive_"):
        topic = reason.removeprefix("sensitive_")
        suggestions.append(f"Handle with care: follow the {topic} procedure.")
    for attempt in tried:
        if attempt.tool.startswith("flow:"):
            name = attempt.tool.removeprefix("flow:").replace("_", " ")
            suggestions.append(f"Finish the {name} the assistant left {attempt.status}.")
        elif attempt.status not in ("done", "needs_approval"):
            suggestions.append(
                f"Check {attempt.tool}: it ended '{attempt.status}' for the assistant."
            )
    if reason == "low_confidence":
        suggestions.append("Ask what the customer needs: the assistant was unsure.")
    suggestions.append("Resolve the request, then hand back to the assistant or close.")
    return suggestions


def summarize(events: Sequence[Event], language: str | None = None) -> Handoff:
    """The structured hand-off summary of a conversation, from its events alone."""
    turns = _turns(events)
    customer_texts = [
        e.text for e in events if e.kind is EventKind.MESSAGE and e.source is Source.CUSTOMER
    ]
    escalation = _latest_escalation(events)
    frustration = max((turn.frustration for turn in turns), default=0.0)
    language = language or next((t.language for t in reversed(turns) if t.language), None)
    tried = _tried(events)
    reason = escalation.reason if escalation is not None else None
    return Handoff(
        wants=(customer_texts[0] or "")[:300] if customer_texts else None,
        intent=latest_request(turns),
        gathered=_gathered(events, language),
        tried=tried,
        reason=reason,
        detail=escalation.detail if escalation is not None else None,
        frustration=frustration,
        language=language,
        suggested_actions=[
            *filter(None, [_open_question(turns)]),
            *_unanswered(events),
            *_suggestions(reason, frustration, tried, _pending_approvals(events)),
        ],
    )

