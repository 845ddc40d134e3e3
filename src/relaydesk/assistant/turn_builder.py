"""One turn's accumulating output: replies, tool calls and their results, an escalation."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

from relaydesk.assistant.dialogue import DialogueState
from relaydesk.assistant.parts import AssistantParts
from relaydesk.assistant.turn import Escalation, TurnResult
from relaydesk.assistant.understanding import Understanding
from relaydesk.domain.message_payloads import ToolCalled
from relaydesk.domain.model import EventKind, NewEvent, Source
from relaydesk.domain.turn_payloads import AssistantTurn
from relaydesk.tools import PolicyDecision, ToolContext, ToolOutcome
from relaydesk.tools.attempts import AttemptLimits


class TurnBuilder:
    def __init__(
        self,
        parts: AssistantParts,
        understanding: Understanding,
        state: DialogueState,
        customer_id: str | None,
    ) -> None:
        self.parts = parts
        self.understanding = understanding
        self.state = state
        self.language = understanding.language
        self.customer_id = customer_id
        self.replies: list[tuple[str, list[str], dict[str, Any]]] = []
        self.tool_events: list[NewEvent] = []
        self.done_tools: set[str] = set()
        self.previews: set[str] = set()  # read-only look-ups before a confirmation: no progress
        self.escalation: Escalation | None = None
        self.close = False
        self.guard_problems: list[str] = []
        self.conversation_id: str | None = None
        self.claimer: Callable[[str], bool] | None = None  # see TurnContext.claim
        self.client_address: str | None = None  # see TurnContext.client_address
        self.attempts: AttemptLimits | None = None  # see TurnContext.attempts
        self.unanswered = False  # a question the assistant had no answer for
        self.step_took_turn = False  # the pack's dialogue step answered (assistant.steps)
        # What an optional language model did this turn: latency, tokens, rejections.
        self.model_notes: list[dict[str, Any]] = []

    def say(self, key: str, claims: str | None = None, **params: Any) -> None:
        """Queue a catalog reply; `claims` names the tool whose success it states."""
        text = self.parts.composer.catalog.render(key, self.language, **params)
        self.say_text(text, [claims] if claims else [], key=key)

    def can_say(self, key: str) -> bool:
        """Whether the pack's catalog has this reply."""
        return key in self.parts.composer.catalog.message_keys()

    def say_text(
        self,
        text: str,
        claims: list[str],
        key: str,
        choices: list[dict[str, str]] | None = None,
        generated_by: str | None = None,  # "llm": the optional model phrased it
    ) -> None:
        data: dict[str, Any] = {"reply_key": key}
        if choices:
            data["choices"] = choices
        if generated_by is not None:
            data["generated_by"] = generated_by
        self.replies.append((text, claims, data))

    def _tool_context(self) -> ToolContext[Any]:
        return ToolContext(
            customer_id=self.customer_id,
            actor="assistant",
            actor_id=None,
            deps=self.parts.tool_deps,
            proven_by_details=(
                self.customer_id is not None and self.customer_id == self.state.verified_customer_id
            ),
            conversation_id=self.conversation_id,
            client_address=self.client_address,
            attempts=self.attempts,
        )

    def check_tool(self, name: str, params: dict[str, Any]) -> PolicyDecision:
        """What the tool's policy says about these values, without running it; a refusal is
        recorded like a refused call (marked `check`), so everyone sees what was refused."""
        timeout = self.parts.tool_timeout_s
        decision = self.parts.tools.check(name, params, self._tool_context(), timeout)
        if decision.outcome == "deny":
            called = ToolCalled(name, params, check=True)
            data = called.data()
            self.tool_events += [
                called.event(Source.ASSISTANT),
                NewEvent(
                    EventKind.TOOL_RESULT,
                    Source.ASSISTANT,
                    data={**data, "status": "denied", "decision": decision.model_dump(mode="json")},
                ),
            ]
        return decision

    def claim(self, key: str) -> bool:
        """Consume a one-time key; False when another turn already consumed it."""
        return self.claimer is None or self.claimer(key)

    def call_tool(self, name: str, params: dict[str, Any]) -> ToolOutcome:
        """Run a tool under its policy for the verified customer; record call and result."""
        context = self._tool_context()
        self.tool_events.append(ToolCalled(name, params).event(Source.ASSISTANT))
        outcome = self.parts.tools.execute(name, params, context, self.parts.tool_timeout_s)
        self.tool_events.append(
            NewEvent(
                EventKind.TOOL_RESULT,
                Source.ASSISTANT,
                data={"tool": name, "params": params, **outcome.model_dump(mode="json")},
            )
        )
        if outcome.done:
            self.done_tools.add(name)
        return outcome

    def article_link(self, article_id: str) -> str | None:
        """The absolute link to a help article in the customer's language, else in English."""
        knowledge = self.parts.knowledge
        article = knowledge.get(article_id, self.base_language) or knowledge.get(article_id, "en")
        return self.parts.article_link(article.url) if article else None

    @property
    def base_language(self) -> str:
        """The customer's language without its region: "pt" for "pt-BR"."""
        return self.language.replace("_", "-").split("-")[0].lower()

    def with_article_link(self, text: str, article_id: str) -> str:
        """text followed by a link to the article, saying so when it exists only in English."""
        link = self.article_link(article_id)
        if link is None:
            return text
        article = self.parts.knowledge.get(article_id, self.base_language)
        key = "knowledge.answer" if article is not None else "knowledge.answer_in_english"
        title = article.title if article is not None else ""  # a link reads as its title
        return self.parts.composer.catalog.render(
            key, self.language, snippet=text, url=link, title=title
        )

    def verified(self, customer_id: str) -> None:
        """The customer proved who they are: remember it for the rest of the conversation."""
        self.customer_id = customer_id
        self.state.verified_customer_id = customer_id

    def propose(self, tool: str, params: dict[str, Any], outcome: ToolOutcome) -> None:
        """An action policy lets only a person approve: record it for the approval queue."""
        decision = outcome.decision.model_dump(mode="json") if outcome.decision else None
        self.tool_events.append(
            NewEvent(
                EventKind.APPROVAL,
                Source.ASSISTANT,
                data={
                    "approval_id": f"apr_{uuid.uuid4().hex}",
                    "status": "pending",
                    "tool": tool,
                    "params": params,
                    "customer_id": self.customer_id,
                    "decision": decision,
                    "summary": approval_summary(tool, params, outcome),
                },
            )
        )

    def escalate(self, escalation: Escalation) -> None:
        if self.escalation is None or escalation.priority > self.escalation.priority:
            self.escalation = escalation

    def result(self) -> TurnResult:
        """Guard every reply, then put the turn's events in order."""
        messages = [
            NewEvent(EventKind.MESSAGE, Source.ASSISTANT, text=text, data=data)
            for text, _claims, data in self._guarded()
        ]
        events = [self._turn_record(), *self.tool_events, *messages]
        return TurnResult(
            events=events,
            language=self.language,
            escalation=self.escalation,
            close=self.close and self.escalation is None,
        )

    def _guarded(self) -> list[tuple[str, list[str], dict[str, Any]]]:
        kept = []
        for text, claims, data in self.replies:
            verdict = self.parts.guard.check(text, claims, self.done_tools)
            if verdict.passed:
                kept.append((verdict.text, claims, data))
                continue
            self.guard_problems += verdict.problems
        if self.guard_problems:
            apology = self.parts.composer.catalog.render("apology_tool_error", self.language)
            kept = [(apology, [], {"reply_key": "apology_tool_error"})]
            self.escalate(Escalation(reason="guard_rejected", priority=2))
        return kept

    def _turn_record(self) -> NewEvent:
        u = self.understanding
        return AssistantTurn(
            intent=u.intent,
            confidence=round(u.confidence, 4),
            out_of_scope=u.out_of_scope,
            frustration=round(u.frustration, 4),
            language=self.language,
            entities=tuple((e.kind, e.value) for e in u.entities),
            guard_problems=tuple(self.guard_problems),
            unanswered=self.unanswered,
            calls=self.model_notes,
            dialogue=self.state.model_dump(mode="json"),
        ).event()


def approval_summary(tool: str, params: dict[str, Any], outcome: ToolOutcome) -> str:
    """What the approver decides on, in a line: the action, its values and why it waits."""
    decision = outcome.decision
    details = {**params, **(dict(decision.details) if decision else {})}
    values = ", ".join(f"{k} {v}" for k, v in sorted(details.items()) if v not in (None, ""))
    reason = f" ({decision.reason})" if decision and decision.reason else ""
    return f"{tool.replace('_', ' ')}: {values}{reason}" if values else f"{tool}{reason}"
