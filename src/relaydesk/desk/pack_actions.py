"""The domain pack's tools for people: approved actions, agents' own tool calls, profiles.

These read the conversation (customer, language, what the assistant verified) from the
store and run the pack's tools under policy with the person's identity, so an approval or
an agent's higher limit is decided by the same code as the assistant's calls.
"""

from __future__ import annotations

from typing import Any

from relaydesk.assistant.compose import MissingValue
from relaydesk.assistant.dialogue import latest_state
from relaydesk.assistant.flows import FlowSpec
from relaydesk.assistant.parts import AssistantParts
from relaydesk.domain.agents import AgentAccount, Role
from relaydesk.domain.model import ConversationId, EventKind, NewEvent, Source
from relaydesk.store.conversations import ConversationStore
from relaydesk.tools import PolicyDecision, ToolContext, ToolOutcome
from relaydesk.tools.spec import Actor


class PackActions:
    """ApprovedActionExecutor, AgentToolRunner and CustomerProfileSource over one pack."""

    def __init__(self, store: ConversationStore, parts: AssistantParts) -> None:
        self.store = store
        self.parts = parts

    def execute(
        self, conversation_id: str, tool: str, params: dict[str, Any], approved_by: str
    ) -> list[NewEvent]:
        """Run the approved action and tell the customer, in their language, what it did."""
        outcome = self._run(conversation_id, tool, params, "assistant", None, approved_by)
        events = [_result_event(tool, params, outcome, Source.ASSISTANT)]
        language = self._language(conversation_id)
        flow = next((f for f in self.parts.flows.flows if f.tool == tool), None)
        if outcome.done and flow is not None:
            text = self._approved_text(flow, params, outcome, language)
        else:
            text = self.parts.composer.catalog.render("apology_tool_error", language)
        if text is not None:
            events.append(NewEvent(EventKind.MESSAGE, Source.ASSISTANT, text=text))
        return events

    def _approved_text(
        self, flow: FlowSpec, params: dict[str, Any], outcome: ToolOutcome, language: str
    ) -> str | None:
        """The flow's done reply, or its `approved` reply when the result cannot fill it;
        None (the agent tells the customer) when the pack declares neither."""
        scope = {"slots": params, "preview": {}, "result": outcome.result or {}}
        try:
            return self.parts.composer.render(flow.done, language, scope)
        except MissingValue:
            if flow.approved is None:
                return None
            values = {**params, **(outcome.result or {})}
            try:
                return self.parts.composer.catalog.render(flow.approved, language, **values)
            except (KeyError, IndexError, ValueError):  # a value the reply needs is missing
                return None

    def beyond_limit(
        self, conversation_id: str, tool: str, params: dict[str, Any], approver: AgentAccount
    ) -> str | None:
        """Why this person may not approve the action, None when their role's limit covers it.

        The tool's own policy decides, run as if the approver made the call themselves: what
        would need someone else's approval for them is beyond what they may approve. When no
        role lifts the approval (the policy has no limit by role, or it is above every one),
        supervisors decide.
        """
        decision = self._check_as(conversation_id, tool, params, approver, approver.role)
        if decision.outcome != "needs_approval":
            return None
        if approver.supervises:
            highest = self._check_as(conversation_id, tool, params, approver, Role.ADMIN)
            if highest.outcome == "needs_approval":
                return None
        details = decision.details
        if {"amount", "limit", "currency"} <= details.keys():
            return (
                f"{details['amount']} {details['currency']} is above your approval limit of "
                f"{details['limit']} {details['currency']}; someone whose role allows it decides."
            )
        return "Your role's limits do not cover this action; someone whose role allows it decides."

    def _check_as(
        self,
        conversation_id: str,
        tool: str,
        params: dict[str, Any],
        approver: AgentAccount,
        role: Role,
    ) -> PolicyDecision:
        context: ToolContext[Any] = ToolContext(
            customer_id=self._customer_id(conversation_id),
            actor="agent",
            actor_id=approver.id,
            role=role.value,
            deps=self.parts.tool_deps,
        )
        return self.parts.tools.check(tool, params, context, self.parts.tool_timeout_s)

    def explain_rejection(self, conversation_id: str, tool: str, reason: str) -> list[NewEvent]:
        language = self._language(conversation_id)
        flow = next((f for f in self.parts.flows.flows if f.tool == tool), None)
        key = flow.rejected if flow is not None else "action.denied"
        text = self.parts.composer.catalog.render(key, language, reason=reason)
        return [NewEvent(EventKind.MESSAGE, Source.ASSISTANT, text=text)]

    def run(
        self, conversation_id: str, tool: str, params: dict[str, Any], agent_id: str
    ) -> dict[str, Any]:
        """An agent's own tool call: the agent's limits apply, approval is theirs to give."""
        outcome = self._run(conversation_id, tool, params, "agent", agent_id, None)
        return outcome.model_dump(mode="json")

    def profile(self, external_ref: str) -> dict[str, Any]:
        """The customer's account as an agent sees it: the pack's read-only tools' results."""
        context: ToolContext[Any] = ToolContext(
            customer_id=external_ref, actor="agent", actor_id=None, deps=self.parts.tool_deps
        )
        panel: dict[str, Any] = {"customer_id": external_ref}
        for tool in self.parts.profile_tools:
            outcome = self.parts.tools.execute(tool, {}, context, self.parts.tool_timeout_s)
            if outcome.done and outcome.result is not None:
                panel[tool] = outcome.result
        return panel

    def _run(
        self,
        conversation_id: str,
        tool: str,
        params: dict[str, Any],
        actor: Actor,
        actor_id: str | None,
        approved_by: str | None,
    ) -> ToolOutcome:
        context: ToolContext[Any] = ToolContext(
            customer_id=self._customer_id(conversation_id),
            actor=actor,
            actor_id=actor_id,
            deps=self.parts.tool_deps,
            approved_by=approved_by,
        )
        return self.parts.tools.execute(tool, params, context, self.parts.tool_timeout_s)

    def _customer_id(self, conversation_id: str) -> str | None:
        conversation = self.store.get_conversation(ConversationId(conversation_id))
        customer = self.store.get_customer(conversation.customer_id)
        if customer.signed_in_ref:
            return customer.signed_in_ref
        history = self.store.events_after(conversation.id, max(0, conversation.last_seq - 200))
        return latest_state(history).verified_customer_id

    def _language(self, conversation_id: str) -> str:
        conversation = self.store.get_conversation(ConversationId(conversation_id))
        return conversation.language or "en"


def _result_event(
    tool: str, params: dict[str, Any], outcome: ToolOutcome, source: Source
) -> NewEvent:
    return NewEvent(
        EventKind.TOOL_RESULT,
        source,
        data={"tool": tool, "params": params, **outcome.model_dump(mode="json")},
    )
