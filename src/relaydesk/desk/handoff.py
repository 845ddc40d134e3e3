"""The warm hand-off: what a person needs to pick a conversation up without asking again.

`summarize` is a pure function over a conversation's events: what the customer wants, the
data already gathered, what was tried, why it was escalated and how frustrated they are.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from relaydesk.domain.agents import ApprovalStatus, Handoff, ToolAttempt
from relaydesk.domain.model import Event, EventKind, Source
from relaydesk.domain.ownership import Transition
from relaydesk.domain.payloads import ApprovalNoted, OwnerChanged, ToolRan

CONFIDENT = 0.5
FRUSTRATED = 0.6


def _latest_escalation(events: Sequence[Event]) -> dict[str, Any]:
    for event in reversed(events):
        change = OwnerChanged.of(event)
        if change is not None and change.is_a(Transition.ESCALATE):
            return event.data
    return {}


# answers to the assistant's questions and pleasantries: what the customer said, not wanted
CONVERSATIONAL = frozenset({"affirm", "deny", "cancel", "greeting", "thanks", "goodbye"})


def _intent(signals: Sequence[Event]) -> str | None:
    """The newest confident request; a "yes" to a confirmation does not replace it."""
    confident = [s for s in signals if _number(s.data.get("confidence")) >= CONFIDENT]
    for pool in (confident, list(signals)):
        for signal in reversed(pool):
            intent = signal.data.get("intent")
            if intent and intent not in CONVERSATIONAL:
                return str(intent)
    return None


def _entities(raw: object) -> dict[str, Any]:
    """Entities as {kind: value}, whether sent as a mapping or as [{kind, value}, ...]."""
    if isinstance(raw, dict):
        return dict(raw)
    if isinstance(raw, list):
        return {
            str(item["kind"]): item.get("value")
            for item in raw
            if isinstance(item, dict) and item.get("kind")
        }
    return {}


def _dialogue(signals: Sequence[Event]) -> dict[str, Any]:
    """The assistant's own state on its newest signal (its open and parked flows), if any."""
    for signal in reversed(signals):
        state = signal.data.get("dialogue")
        if isinstance(state, dict):
            return state
    return {}


def _flows(state: dict[str, Any]) -> list[dict[str, Any]]:
    flows = [state.get("flow"), *(state.get("parked") or [])]
    return [flow for flow in flows if isinstance(flow, dict) and flow.get("name")]


def _gathered(events: Sequence[Event], language: str | None) -> dict[str, Any]:
    gathered: dict[str, Any] = {"language": language} if language else {}
    signals = [e for e in events if e.kind is EventKind.SIGNAL]
    for signal in signals:
        gathered.update(_entities(signal.data.get("entities")))
    state = _dialogue(signals)
    for flow in _flows(state):
        slots = flow.get("slots")
        gathered.update(slots if isinstance(slots, dict) else {})
    if state.get("verified_customer_id"):
        gathered["verified_customer"] = state["verified_customer_id"]
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
    state = _dialogue([e for e in events if e.kind is EventKind.SIGNAL])
    raw_failures = state.get("failures")
    failures: dict[str, Any] = raw_failures if isinstance(raw_failures, dict) else {}
    for flow in _flows(state):
        failed = int(_number(failures.get(flow["name"])))
        status = f"failed {failed}x" if failed else "unfinished"
        tried.append(ToolAttempt(tool=f"flow:{flow['name']}", status=status))
    return tried


def _pending_approvals(events: Sequence[Event]) -> list[dict[str, Any]]:
    latest: dict[str, tuple[ApprovalNoted, dict[str, Any]]] = {}
    for event in events:
        noted = ApprovalNoted.of(event)
        if noted is not None:
            latest[noted.approval_id] = (noted, event.data)
    return [data for noted, data in latest.values() if noted.status is ApprovalStatus.PENDING]


def _open_question(signals: Sequence[Event]) -> str | None:
    """What the assistant last asked and never got an answer to: a step for the person."""
    # The newest turn, or the one before it when the newest handed over (and closed it).
    for signal in list(reversed(signals))[:2]:
        state = signal.data.get("dialogue")
        flow = state.get("flow") if isinstance(state, dict) else None
        if isinstance(flow, dict) and flow.get("awaiting"):
            name = str(flow.get("name", "?")).replace("_", " ")
            raw = flow.get("slots")
            slots: dict[str, Any] = raw if isinstance(raw, dict) else {}
            values = ", ".join(f"{k} {v}" for k, v in sorted(slots.items()) if v is not None)
            waited = "a yes" if flow["awaiting"] == "confirm" else str(flow["awaiting"])
            return f"Pending: {name} was waiting for {waited}" + (f" ({values})" if values else "")
    return None


def _unanswered(events: Sequence[Event]) -> list[str]:
    """The customer's questions the assistant said it had no answer for, oldest first."""
    asked = {e.id: e.text for e in events if e.kind is EventKind.MESSAGE and e.text}
    return [
        f"Unanswered: \"{asked[signal.caused_by][:200]}\""
        for signal in events
        if signal.kind is EventKind.SIGNAL
        and signal.data.get("unanswered")
        and signal.caused_by in asked
    ]


def _suggestions(
    reason: str | None, frustration: float, tried: list[ToolAttempt], pending: list[dict[str, Any]]
) -> list[str]:
    suggestions = [
        f"Decide the pending approval: {p.get('summary') or p.get('tool')}" for p in pending
    ]
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
    signals = [e for e in events if e.kind is EventKind.SIGNAL]
    customer_texts = [
        e.text for e in events if e.kind is EventKind.MESSAGE and e.source is Source.CUSTOMER
    ]
    escalation = _latest_escalation(events)
    frustration = max((_number(s.data.get("frustration")) for s in signals), default=0.0)
    language = language or next(
        (str(s.data["language"]) for s in reversed(signals) if s.data.get("language")), None
    )
    tried = _tried(events)
    reason = escalation.get("reason")
    return Handoff(
        wants=(customer_texts[0] or "")[:300] if customer_texts else None,
        intent=_intent(signals),
        gathered=_gathered(events, language),
        tried=tried,
        reason=str(reason) if reason else None,
        detail=escalation.get("detail"),
        frustration=frustration,
        language=language,
        suggested_actions=[
            *filter(None, [_open_question(signals)]),
            *_unanswered(events),
            *_suggestions(
                str(reason) if reason else None, frustration, tried, _pending_approvals(events)
            ),
        ],
    )


def _number(value: object) -> float:
    return float(value) if isinstance(value, int | float) else 0.0
