"""Operations as forms: generated from a tool's parameter schema, run under the tool's policy,
and a call above the person's limit becomes a request a different supervisor decides."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any, Literal

import pytest
from pydantic import BaseModel, ConfigDict, Field

from agents.helpers import Desks
from relaydesk.desk.operations import OperationDesk, operation_form, params_from_form
from relaydesk.domain.agents import Role
from relaydesk.domain.errors import Forbidden, InvalidInput
from relaydesk.tools import ToolContext
from relaydesk.tools.registry import ToolRegistry
from relaydesk.tools.spec import PolicyDecision, ToolSpec, allow, needs_approval


class CreditParams(BaseModel):
    model_config = ConfigDict(extra="forbid")
    account_id: str = Field(max_length=20)
    amount: Decimal = Field(gt=0, decimal_places=2)
    reason: Literal["goodwill", "billing_error"] = "goodwill"
    notify: bool = False
    valid_until: date | None = None
    months: int | None = Field(default=None, ge=1, le=12)


class CreditResult(BaseModel):
    account_id: str
    amount: Decimal
    currency: str


def credit_policy(ctx: ToolContext[Any], params: CreditParams) -> PolicyDecision:
    if params.amount > 50:
        return needs_approval("above_agent_limit", limit=50)
    return allow()


def credit(ctx: ToolContext[Any], params: CreditParams) -> CreditResult:
    return CreditResult(account_id=params.account_id, amount=params.amount, currency="EUR")


def registry() -> ToolRegistry:
    tools = ToolRegistry()
    tools.register(
        ToolSpec(
            "give_credit",
            "Give the account a credit.",
            CreditParams,
            CreditResult,
            credit_policy,
            credit,
            mutates=True,
        )
    )
    return tools


class RegistryRunner:
    """Runs the registry's tools as an agent, the way a pack's actions do."""

    def __init__(self, tools: ToolRegistry) -> None:
        self.tools = tools

    def run(
        self, conversation_id: str, tool: str, params: dict[str, Any], agent_id: str
    ) -> dict[str, Any]:
        context: ToolContext[None] = ToolContext(
            customer_id="c1", actor="agent", actor_id=agent_id, deps=None
        )
        return self.tools.execute(tool, params, context).model_dump(mode="json")


def test_a_form_has_an_input_of_the_right_kind_for_every_parameter() -> None:
    (description,) = registry().describe()
    form = operation_form(description)
    kinds = {item.name: (item.kind, item.required) for item in form.fields}
    assert kinds == {
        "account_id": ("text", True),
        "amount": ("number", True),
        "reason": ("select", False),
        "notify": ("checkbox", False),
        "valid_until": ("date", False),
        "months": ("number", False),
    }
    by_name = {item.name: item for item in form.fields}
    assert by_name["reason"].choices == ("goodwill", "billing_error")
    assert by_name["reason"].default == "goodwill"
    assert (by_name["months"].minimum, by_name["months"].maximum, by_name["months"].step) == (
        1,
        12,
        "1",
    )
    assert by_name["account_id"].max_length == 20 and form.title == "Give credit"


def test_empty_inputs_are_left_out_so_defaults_apply() -> None:
    form = operation_form(registry().describe()[0])
    values = {"account_id": " A-1 ", "amount": "12.50", "months": "", "notify": "true"}
    assert params_from_form(form, values) == {
        "account_id": "A-1",
        "amount": "12.50",
        "notify": True,
    }


def operations(desks: Desks) -> OperationDesk:
    tools = registry()
    desks.work.tools = RegistryRunner(tools)
    return OperationDesk(tools, desks.work, desks.approvals)


def held_conversation(desks: Desks, agent_name: str = "Maria") -> tuple[Any, Any]:
    agent = desks.add(agent_name)
    conversation = desks.escalated()
    desks.routing.sync_queue()
    desks.routing.claim(conversation.id, agent)
    return agent, conversation


def test_an_operation_within_the_limit_runs_and_its_result_is_a_card(desks: Desks) -> None:
    agent, conversation = held_conversation(desks)
    result = operations(desks).run(
        conversation.id, agent, "give_credit", {"account_id": "A-1", "amount": "20"}
    )
    assert (result.status, result.message) == ("done", "Give credit: done.")
    assert result.card is not None
    assert [(f.label, f.value) for f in result.card.fields] == [
        ("Account ID", "A-1"),
        ("Amount", "20.00 EUR"),
    ]
    kinds = [event.kind.value for event in desks.store.events_after(conversation.id, 0)]
    assert kinds[-2:] == ["tool_call", "tool_result"]


def test_invalid_values_name_the_fields_to_check(desks: Desks) -> None:
    agent, conversation = held_conversation(desks)
    result = operations(desks).run(
        conversation.id, agent, "give_credit", {"account_id": "A-1", "amount": "-3", "months": "40"}
    )
    assert result.status == "invalid" and result.message == "Give credit: check Amount, Months."
    with pytest.raises(InvalidInput):
        operations(desks).run(conversation.id, agent, "no_such_tool", {})


def test_above_the_limit_a_supervisor_other_than_the_requester_decides(desks: Desks) -> None:
    agent, conversation = held_conversation(desks)
    result = operations(desks).run(
        conversation.id, agent, "give_credit", {"account_id": "A-1", "amount": "80"}
    )
    assert result.status == "needs_approval" and result.approval_id is not None
    assert "above agent limit: limit 50" in result.message
    (request,) = desks.approvals.pending_for(agent)
    assert request.requested_by == agent.id and "asked by Maria" in request.summary

    with pytest.raises(Forbidden):
        desks.approvals.approve(result.approval_id, agent)  # the requester, holding it
    boss = desks.add("Boss", role=Role.SUPERVISOR)
    approved = desks.approvals.approve(result.approval_id, boss)
    assert approved.decided_by == boss.id
