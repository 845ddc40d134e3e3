"""Plain per-role counters of the model's use, and a Prometheus collector that reads them.

The counters live here so /metrics (api/metrics.py) and analytics can read them without the
model being installed: `LlmCollector(stats)` is registered on the app's own registry.
"""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

ROLES = ("understanding", "knowledge", "summary", "translation")


@dataclass
class RoleCounters:
    calls: int = 0
    accepted: int = 0
    prompt_tokens: int = 0
    completion_tokens: int = 0
    first_token_seconds: float = 0.0
    total_seconds: float = 0.0
    # why outputs were refused by the guard, and why the model gave none (timeout, error)
    rejected: Counter[str] = field(default_factory=Counter)
    unavailable: Counter[str] = field(default_factory=Counter)


class LlmStats:
    """Thread-safe counters per role; `record` takes the note a turn stores on its event."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.roles: dict[str, RoleCounters] = {role: RoleCounters() for role in ROLES}

    def record(self, note: dict[str, Any]) -> None:
        with self._lock:
            counters = self.roles.setdefault(str(note["role"]), RoleCounters())
            counters.calls += 1
            counters.prompt_tokens += int(note.get("prompt_tokens") or 0)
            counters.completion_tokens += int(note.get("completion_tokens") or 0)
            counters.first_token_seconds += float(note.get("first_token_ms") or 0) / 1000
            counters.total_seconds += float(note.get("total_ms") or 0) / 1000
            outcome = note.get("outcome")
            if outcome == "accepted":
                counters.accepted += 1
            elif outcome == "rejected":
                counters.rejected[_kind(str(note.get("llm_rejected", "?")))] += 1
            else:
                counters.unavailable[str(note.get("reason", outcome))] += 1

    def snapshot(self) -> dict[str, dict[str, Any]]:
        """A copy for reports: {role: {calls, accepted, rejected: {reason: n}, ...}}."""
        with self._lock:
            return {
                role: {
                    "calls": c.calls,
                    "accepted": c.accepted,
                    "prompt_tokens": c.prompt_tokens,
                    "completion_tokens": c.completion_tokens,
                    "first_token_seconds": round(c.first_token_seconds, 6),
                    "total_seconds": round(c.total_seconds, 6),
                    "rejected": dict(c.rejected),
                    "unavailable": dict(c.unavailable),
                }
                for role, c in self.roles.items()
            }


def _kind(reason: str) -> str:
    """'unknown_link:http://x' -> 'unknown_link': labels stay few."""
    return reason.split(":", 1)[0]


class LlmCollector:
    """Prometheus view of LlmStats; register it on the app's CollectorRegistry."""

    def __init__(self, stats: LlmStats) -> None:
        self.stats = stats

    def collect(self) -> Iterable[Any]:
        from prometheus_client.core import CounterMetricFamily

        calls = CounterMetricFamily(
            "relaydesk_llm_calls", "Model calls by role and outcome.", labels=["role", "outcome"]
        )
        tokens = CounterMetricFamily(
            "relaydesk_llm_tokens", "Tokens sent and received by role.", labels=["role", "kind"]
        )
        seconds = CounterMetricFamily(
            "relaydesk_llm_seconds", "Time spent waiting on the model.", labels=["role", "until"]
        )
        for role, c in self.stats.snapshot().items():
            calls.add_metric([role, "accepted"], c["accepted"])
            for reason, count in c["rejected"].items():
                calls.add_metric([role, f"rejected:{reason}"], count)
            for reason, count in c["unavailable"].items():
                calls.add_metric([role, f"unavailable:{reason}"], count)
            tokens.add_metric([role, "prompt"], c["prompt_tokens"])
            tokens.add_metric([role, "completion"], c["completion_tokens"])
            seconds.add_metric([role, "first_token"], c["first_token_seconds"])
            seconds.add_metric([role, "total"], c["total_seconds"])
        yield from (calls, tokens, seconds)
