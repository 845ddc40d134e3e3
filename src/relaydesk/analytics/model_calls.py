"""The optional language model's calls, per role, from the `llm` records that assistant turns,
hand-off notes and translations keep."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from relaydesk.analytics.report import ReportTable
from relaydesk.analytics.stats import number, percentile, rounded
from relaydesk.domain.model import Event
from relaydesk.domain.model_notes import model_calls_of

COLUMNS = (
    "role",
    "calls",
    "accepted",
    "rejected",
    "unavailable",
    "first_token_p50_ms",
    "total_p50_ms",
    "total_p99_ms",
    "prompt_tokens",
    "completion_tokens",
    "top_refusal",
)


@dataclass(frozen=True)
class ModelCall:
    role: str
    outcome: str  # accepted | rejected | unavailable
    reason: str | None
    first_token_ms: float | None
    total_ms: float | None
    prompt_tokens: int
    completion_tokens: int


def _call(record: dict[str, object]) -> ModelCall:
    reason = record.get("llm_rejected") or record.get("reason")
    return ModelCall(
        role=str(record.get("role") or "unknown"),
        outcome=str(record.get("outcome") or "unknown"),
        reason=str(reason) if reason else None,
        first_token_ms=number(record.get("first_token_ms")),
        total_ms=number(record.get("total_ms")),
        prompt_tokens=int(number(record.get("prompt_tokens")) or 0),
        completion_tokens=int(number(record.get("completion_tokens")) or 0),
    )


def model_calls(events: Sequence[Event]) -> tuple[ModelCall, ...]:
    """Every recorded model call: the turn's roles and the agents' hand-off notes."""
    found: list[ModelCall] = []
    for event in events:
        found.extend(_call(record) for record in model_calls_of(event))
    return tuple(found)


def _kind(reason: str) -> str:
    return reason.split(":", 1)[0]  # "unknown_link:https://..." counts as unknown_link


def model_table(calls: Iterable[ModelCall]) -> ReportTable:
    """Calls, outcomes, latency and tokens per role; empty while no model is configured."""
    by_role: dict[str, list[ModelCall]] = defaultdict(list)
    for call in calls:
        by_role[call.role].append(call)
    table = ReportTable("Language model by role", COLUMNS)
    for role, group in sorted(by_role.items()):
        outcomes = Counter(c.outcome for c in group)
        refusals = Counter(_kind(c.reason) for c in group if c.reason)
        totals = [ms for c in group if (ms := c.total_ms) is not None]
        firsts = [ms for c in group if (ms := c.first_token_ms) is not None]
        table.rows.append(
            (
                role,
                len(group),
                outcomes["accepted"],
                outcomes["rejected"],
                outcomes["unavailable"],
                rounded(percentile(firsts, 50), 1),
                rounded(percentile(totals, 50), 1),
                rounded(percentile(totals, 99), 1),
                sum(c.prompt_tokens for c in group),
                sum(c.completion_tokens for c in group),
                refusals.most_common(1)[0][0] if refusals else None,
            )
        )
    return table
