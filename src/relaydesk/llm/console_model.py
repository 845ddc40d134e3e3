"""The model as the console's helpers (translation, hand-off notes) call it: one request
within the deadline, personal data masked, and every outcome recorded once in the stats."""

from __future__ import annotations

import secrets
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from relaydesk.llm.checks import LanguageOf
from relaydesk.llm.client import ChatClient, Completion, Deadline, ModelUnavailable
from relaydesk.llm.stats import LlmStats


def _canary() -> str:
    return f"RD-{secrets.token_hex(4)}"


@dataclass(frozen=True)
class ConsoleModel:
    client: ChatClient
    language_of: LanguageOf
    deadline: Deadline
    stats: LlmStats
    mask: Callable[[str], str]
    company: str = "our company"
    # Said in the prompt and never to be repeated: output carrying it leaked the prompt.
    canary: str = field(default_factory=_canary)

    def complete(self, messages: list[dict[str, str]], record: dict[str, Any]) -> Completion | None:
        """The completion, its timings added to `record`; None (settled) when unavailable."""
        try:
            completion = self.client.complete(messages, self.deadline)
        except ModelUnavailable as exc:
            self.settle(record, "unavailable", reason=exc.reason)
            return None
        record.update(completion.timings())
        return completion

    def settle(
        self,
        record: dict[str, Any],
        outcome: str,
        *,
        reason: str | None = None,
        rejected: str | None = None,
    ) -> None:
        """Close `record` with its outcome and count it."""
        record["outcome"] = outcome
        if reason is not None:
            record["reason"] = reason
        if rejected is not None:
            record["llm_rejected"] = rejected
        self.stats.record(record)
