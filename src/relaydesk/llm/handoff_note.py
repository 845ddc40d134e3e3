"""The hand-off note an agent reads: a short summary and suggested replies, from the events.

The structured summary (desk/handoff.py) stays the record; the model only words it. Its
facts are that summary and the customer's last messages, masked. The summary may state as
done only tools whose result was done, may quote only numbers from the facts, and carries no
links; each suggested reply is also checked for the customer's language. Anything refused is
left out and the reason recorded; a timeout or error yields no note at all.
"""

from __future__ import annotations

import json
import re
import secrets
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from relaydesk.assistant.claims import GENERIC_CLAIMS, ClaimPattern
from relaydesk.assistant.guard import ReplyGuard
from relaydesk.domain.agents import Handoff
from relaydesk.domain.model import Event, EventKind, Source
from relaydesk.llm.checks import LanguageOf, ModelOutputGuard, same_language
from relaydesk.llm.client import ChatClient, Deadline, ModelUnavailable
from relaydesk.llm.prompts import summary_messages
from relaydesk.llm.stats import LlmStats

RECENT_MESSAGES = 6
SUMMARY_WORDS = 60
_FENCE = re.compile(r"^```(?:json)?\s*|\s*```$")
# The structured hand-off summary (desk.handoff.summarize), handed in: the model never
# reaches into the desk, it only words what the desk worked out.
Summarizer = Callable[[Sequence[Event], str | None], Handoff]


class _Written(BaseModel):
    model_config = ConfigDict(extra="ignore")

    summary: str
    replies: list[str] = Field(default_factory=list, max_length=3)


@dataclass(frozen=True)
class HandoffNote:
    summary: str | None
    suggested_replies: list[str] = field(default_factory=list)
    record: dict[str, Any] = field(default_factory=dict)  # outcome, problems, latency, tokens


class HandoffWriter:
    """`summarise(events)` for the agent console; call it where the hand-off is shown."""

    def __init__(
        self,
        client: ChatClient,
        language_of: LanguageOf,
        deadline: Deadline,
        stats: LlmStats,
        mask: Callable[[str], str],
        company: str = "our company",
        *,
        summarize: Summarizer,
        claims: Sequence[ClaimPattern] = (),
    ) -> None:
        self.client = client
        self.summarize = summarize
        self.deadline = deadline
        self.stats = stats
        self.mask = mask
        self.company = company
        self.canary = f"RD-{secrets.token_hex(4)}"
        self.guard = ModelOutputGuard(
            ReplyGuard(frozenset()), language_of, self.canary, (*GENERIC_CLAIMS, *claims)
        )
        self.language_of = language_of

    def summarise(self, events: Sequence[Event], language: str | None = None) -> HandoffNote:
        """A checked note; its summary is None when the model failed or said something false."""
        facts = self._facts(events, language)
        language = facts["language"] or "en"
        record: dict[str, Any] = {"role": "summary"}
        messages = summary_messages(facts, language, SUMMARY_WORDS, self.canary, self.company)
        try:
            completion = self.client.complete(messages, self.deadline)
        except ModelUnavailable as exc:
            return self._done(record, "unavailable", reason=exc.reason)
        record.update(
            first_token_ms=round(completion.first_token_ms, 1),
            total_ms=round(completion.total_ms, 1),
            prompt_tokens=completion.prompt_tokens,
            completion_tokens=completion.completion_tokens,
        )
        try:
            written = _Written.model_validate(json.loads(_FENCE.sub("", completion.text.strip())))
        except (json.JSONDecodeError, ValidationError):
            return self._done(record, "rejected", rejected="malformed_json")
        sources = [json.dumps(facts, ensure_ascii=False, default=str)]
        done = {t["tool"] for t in facts["tried"] if t["status"] == "done"}
        verdict = self.guard.check_note(written.summary, sources, done)
        replies, dropped = self._replies(written.replies, sources, done, language)
        record["dropped_replies"] = dropped
        if not verdict.passed:
            record["problems"] = verdict.problems
            return self._done(record, "rejected", rejected=verdict.problems[0], replies=replies)
        return self._done(record, "accepted", summary=verdict.text, replies=replies)

    def _replies(
        self, replies: list[str], sources: list[str], done: set[str], language: str
    ) -> tuple[list[str], list[str]]:
        kept: list[str] = []
        dropped: list[str] = []
        for reply in replies:
            verdict = self.guard.check_note(reply, sources, done)
            problems = list(verdict.problems)
            guess = self.language_of(reply)
            if len(reply.split()) >= 4 and not same_language(guess.language, language):
                problems.append(f"wrong_language:{guess.language}")
            if problems:
                dropped.append(problems[0])
            else:
                kept.append(verdict.text)
        return kept, dropped

    def _facts(self, events: Sequence[Event], language: str | None) -> dict[str, Any]:
        handoff = self.summarize(events, language)
        said = [
            self.mask(e.text or "")
            for e in events
            if e.kind is EventKind.MESSAGE and e.source is Source.CUSTOMER
        ]
        return {
            "customer_wants": self.mask(handoff.wants or ""),
            "intent": handoff.intent,
            "gathered": {k: self.mask(str(v)) for k, v in handoff.gathered.items()},
            "tried": [{"tool": t.tool, "status": t.status} for t in handoff.tried],
            "escalation_reason": handoff.reason,
            "frustration": round(handoff.frustration, 1),
            "language": handoff.language,
            "customer_said_last": said[-RECENT_MESSAGES:],
        }

    def _done(
        self,
        record: dict[str, Any],
        outcome: str,
        reason: str | None = None,
        rejected: str | None = None,
        summary: str | None = None,
        replies: list[str] | None = None,
    ) -> HandoffNote:
        record["outcome"] = outcome
        if reason is not None:
            record["reason"] = reason
        if rejected is not None:
            record["llm_rejected"] = rejected
        self.stats.record(record)
        return HandoffNote(summary=summary, suggested_replies=replies or [], record=record)
