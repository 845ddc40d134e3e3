"""The model's roles in a turn: an understanding fallback and phrased knowledge answers.

Both are optional and checked: a proposal is validated against the pack's intents and the
customer's words, then goes through the same escalation policy, flow and confirmation as
any understanding; an answer passes the reply guard plus the model checks. On a timeout, an
error or a rejection the turn goes on exactly as the embedded engine would, and the reason is
kept on the turn's assistant_turn event (`llm`) and in the per-role counters.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from relaydesk.assistant.claims import GENERIC_CLAIMS
from relaydesk.assistant.guard import trim_to_words
from relaydesk.assistant.knowledge import Hit
from relaydesk.assistant.knowledge.text import plain
from relaydesk.assistant.model_roles import UnderstandingProposal
from relaydesk.assistant.parts import AssistantParts
from relaydesk.assistant.turn_builder import TurnBuilder
from relaydesk.llm.checks import LanguageOf, ModelOutputGuard
from relaydesk.llm.client import ChatClient, Completion, Deadline, ModelUnavailable
from relaydesk.llm.drafts import DraftSink, DraftStream
from relaydesk.llm.prompts import knowledge_messages, understanding_messages
from relaydesk.llm.proposal import NONE, InvalidProposal, ProposalSchema
from relaydesk.llm.stats import LlmStats

REJECTED_TEXT_CHARS = 600  # what a refused answer said, kept for the operator's audit
LINK_WORDS = 6  # room left in the word budget for the article's link after the answer


@dataclass(frozen=True)
class Checked:
    """What a knowledge answer is checked against."""

    guard: ModelOutputGuard
    sources: list[str]
    url: str
    article_language: str
    question: str


@dataclass(frozen=True)
class RoleSwitches:
    understanding: bool = False
    knowledge: bool = False
    summary: bool = False


class LanguageModelRoles:
    """What the assistant may ask of an OpenAI-compatible model, each role on its own switch."""

    def __init__(
        self,
        client: ChatClient,
        language_of: LanguageOf,
        switches: RoleSwitches,
        deadline: Deadline,
        stats: LlmStats,
        mask: Callable[[str], str],
        drafts: DraftSink | None = None,
        company: str = "our company",
    ) -> None:
        self.client = client
        self.language_of = language_of
        self.switches = switches
        self.deadline = deadline
        self.stats = stats
        self.mask = mask
        self.drafts = drafts
        self.company = company
        self.canary = f"RD-{secrets.token_hex(4)}"
        self._schemas: dict[int, ProposalSchema] = {}

    def output_guard(self, parts: AssistantParts) -> ModelOutputGuard:
        claims = (*GENERIC_CLAIMS, *parts.claim_patterns)
        return ModelOutputGuard(parts.guard, self.language_of, self.canary, claims)

    def reconsider(self, turn: TurnBuilder, text: str) -> UnderstandingProposal | None:
        """Ask for an intent and slots when the classifier is unsure and no flow is open."""
        u, policy = turn.understanding, turn.parts.policy
        if (
            not self.switches.understanding
            or turn.state.flow is not None
            or u.wants_human
            or not policy.is_low_confidence(u)
            or not text.strip()
        ):
            return None
        schema = self._schema(turn.parts)
        note: dict[str, Any] = {
            "role": "understanding",
            "classifier": {"intent": u.intent, "confidence": round(u.confidence, 4)},
        }
        messages = understanding_messages(self.mask(text), schema.intents(), self.company)
        completion = self._call(turn, note, messages, schema.json_schema())
        if completion is None:
            return None
        try:
            intent, slots, dropped = schema.parse(completion.text, text)
        except InvalidProposal as exc:
            note["text"] = completion.text[:REJECTED_TEXT_CHARS]
            self._finish(turn, note, "rejected", str(exc))
            return None
        note.update(proposed=intent, slots=slots, dropped=dropped)
        self._finish(turn, note, "accepted")
        return None if intent == NONE else UnderstandingProposal(intent, slots)

    def answer_from_knowledge(self, turn: TurnBuilder, text: str, hit: Hit) -> str | None:
        """A guarded answer phrased from the article; None on any doubt."""
        if not self.switches.knowledge:
            return None
        parts, article = turn.parts, hit.article
        body = plain(article.body)
        # Not the question (an instruction injected there must not count as grounding), nor
        # the title (usually the question itself, which a looping model repeats).
        sources = [body]
        guard = self.output_guard(parts)
        budget, question = _budget(parts), self.mask(text)
        messages = knowledge_messages(
            question, article.title, body, turn.language, budget, self.canary, self.company
        )
        stream = self._draft_stream(turn, guard, sources)
        note: dict[str, Any] = {"role": "knowledge", "article": article.id}
        completion = self._call(
            turn, note, messages, None, stream.progress if stream is not None else None
        )
        url = parts.article_link(article.url)
        checked = Checked(guard, sources, url, article.language, text)
        answer = None if completion is None else self._checked(turn, note, completion, checked)
        if answer is None:
            _retract(stream)
            return None
        self._finish(turn, note, "accepted")
        return answer

    def _checked(
        self, turn: TurnBuilder, note: dict[str, Any], completion: Completion, checked: Checked
    ) -> str | None:
        """The answer trimmed to the budget if it passes every check; else None, recorded."""
        verdict = checked.guard.check_answer(
            completion.text.strip(),
            turn.language,
            checked.sources,
            {checked.url},
            turn.done_tools,
            judge_wording=checked.article_language == turn.language.split("-")[0],
            question=checked.question,
        )
        answer = trim_to_words(verdict.text, _budget(turn.parts))
        problems = verdict.problems or (["too_long"] if answer.endswith("…") else [])
        if not problems:
            return answer
        note.update(problems=problems, text=completion.text[:REJECTED_TEXT_CHARS])
        self._finish(turn, note, "rejected", problems[0])
        return None

    def _call(
        self,
        turn: TurnBuilder,
        note: dict[str, Any],
        messages: list[dict[str, str]],
        json_schema: dict[str, Any] | None,
        on_text: Callable[[str], None] | None = None,
    ) -> Completion | None:
        try:
            completion = self.client.complete(messages, self.deadline, json_schema, on_text)
        except ModelUnavailable as exc:
            if exc.first_token_ms is not None:
                note["first_token_ms"] = round(exc.first_token_ms, 1)
            if exc.waited_ms is not None:
                note["total_ms"] = round(exc.waited_ms, 1)
            self._finish(turn, note, "unavailable", exc.reason)
            return None
        note.update(completion.timings())
        return completion

    def _finish(
        self, turn: TurnBuilder, note: dict[str, Any], outcome: str, reason: str | None = None
    ) -> None:
        note["outcome"] = outcome
        if outcome == "rejected":
            note["llm_rejected"] = reason
        elif reason is not None:
            note["reason"] = reason
        turn.model_notes.append(note)
        self.stats.record(note)

    def _schema(self, parts: AssistantParts) -> ProposalSchema:
        key = id(parts.flows)
        if key not in self._schemas:
            self._schemas[key] = ProposalSchema(
                parts.flows, parts.policy.sensitive, parts.understander.reference_kinds
            )
        return self._schemas[key]

    def _draft_stream(
        self, turn: TurnBuilder, guard: ModelOutputGuard, sources: list[str]
    ) -> DraftStream | None:
        if self.drafts is None or turn.conversation_id is None:
            return None
        return DraftStream(self.drafts, turn.conversation_id, guard, sources, turn.done_tools)


def _budget(parts: AssistantParts) -> int:
    return parts.guard.max_words - LINK_WORDS


def _retract(stream: DraftStream | None) -> None:
    if stream is not None:
        stream.retract()
