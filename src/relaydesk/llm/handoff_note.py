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
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from relaydesk.assistant.claims import GENERIC_CLAIMS, ClaimPattern
from relaydesk.assistant.guard import ReplyGuard
from relaydesk.domain.agents import Handoff
from relaydesk.domain.model import Event, EventKind, Source
from relaydesk.llm.checks import ModelOutputGuard, same_language
from relaydesk.llm.console_model import ConsoleModel
from relaydesk.llm.prompts import summary_messages

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
        model: ConsoleModel,
        *,
        summarize: Summarizer,
        claims: Sequence[ClaimPattern] = (),
    ) -> None:
        self.model = model
        self.summarize = summarize
        self.guard = ModelOutputGuard(
            ReplyGuard(frozenset()), model.language_of, model.canary, (*GENERIC_CLAIMS, *claims)
        )

    def summarise(self, events: Sequence[Event], language: str | None = None) -> HandoffNote:
        """A checked note; its summary is None when the model failed or said something false."""
        facts = self._facts(events, language)
        language = facts["language"] or "en"
        record: dict[str, Any] = {"role": "summary"}
        messages = summary_messages(
            facts, language, SUMMARY_WORDS, self.model.canary, self.model.company
        )
        completion = self.model.complete(messages, record)
        if completion is None:
            return HandoffNote(summary=None, record=record)
        try:
            written = _Written.model_validate(json.loads(_FENCE.sub("", completion.text.strip())))
        except (json.JSONDecodeError, ValidationError):
            self.model.settle(record, "rejected", rejected="malformed_json")
            return HandoffNote(summary=None, record=record)
        sources = [json.dumps(facts, ensure_ascii=False, default=str)]
        done = {t["tool"] for t in facts["tried"] if t["status"] == "done"}
        verdict = self.guard.check_note(written.summary, sources, done)
        replies, dropped = self._replies(written.replies, sources, done, language)
        record["dropped_replies"] = dropped
        if not verdict.passed:
            record["problems"] = verdict.problems
            self.model.settle(record, "rejected", rejected=verdict.problems[0])
            return HandoffNote(summary=None, suggested_replies=replies, record=record)
        self.model.settle(record, "accepted")
        return HandoffNote(summary=verdict.text, suggested_replies=replies, record=record)

    def _replies(
        self, replies: list[str], sources: list[str], done: set[str], language: str
    ) -> tuple[list[str], list[str]]:
        kept: list[str] = []
        dropped: list[str] = []
        for reply in replies:
            verdict = self.guard.check_note(reply, sources, done)
            problems = list(verdict.problems)
            guess = self.model.language_of(reply)
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
            self.model.mask(e.text or "")
            for e in events
            if e.kind is EventKind.MESSAGE and e.source is Source.CUSTOMER
        ]
        return {
            "customer_wants": self.model.mask(handoff.wants or ""),
            "intent": handoff.intent,
            "gathered": {k: self.model.mask(str(v)) for k, v in handoff.gathered.items()},
            "tried": [{"tool": t.tool, "status": t.status} for t in handoff.tried],
            "escalation_reason": handoff.reason,
            "frustration": round(handoff.frustration, 1),
            "language": handoff.language,
            "customer_said_last": said[-RECENT_MESSAGES:],
        }
