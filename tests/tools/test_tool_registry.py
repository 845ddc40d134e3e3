"""The tool registry: validation, policy, approval, time limits and result checking."""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field
from typing import Any

import pytest
from pydantic import BaseModel, Field

from relaydesk.tools import (
    PolicyDecision,
    ToolContext,
    ToolError,
    ToolRegistry,
    ToolSpec,
    UnknownTool,
    allow,
    check_deadline,
    deny,
    enforce,
    needs_approval,
)


@dataclass
class Ledger:
    """A tiny stand-in backend: credits issued to customers."""

    credits: list[tuple[str, int]] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)


class CreditParams(BaseModel):
    amount: int = Field(ge=1)


class CreditResult(BaseModel):
    credited: int
    total: int


def credit_policy(ctx: ToolContext[Any], params: CreditParams) -> PolicyDecision:
    if ctx.customer_id is None:
        return deny("not_verified")
    if params.amount > 500:
        return deny("credit.too_large", max_amount=500)
    if params.amount > 50:
        return needs_approval("credit.above_limit", limit=50)
    return allow()


def credit_run(ctx: ToolContext[Ledger], params: CreditParams) -> CreditResult:
    ledger = ctx.deps
    with ledger.lock:
        enforce(credit_policy(ctx, params), ctx)
        check_deadline(ctx)
        assert ctx.customer_id is not None
        ledger.credits.append((ctx.customer_id, params.amount))
        return CreditResult(credited=params.amount, total=sum(a for _, a in ledger.credits))


def build_registry(run: Any = credit_run, policy: Any = credit_policy) -> ToolRegistry:
    registry = ToolRegistry()
    registry.register(
        ToolSpec(
            name="issue_credit",
            description="Give the customer a goodwill credit.",
            params=CreditParams,
            result=CreditResult,
            policy=policy,
            run=run,
            mutates=True,
        )
    )
    return registry


def context(
    ledger: Ledger, customer_id: str | None = "cust-1", approved_by: str | None = None
) -> ToolContext[Ledger]:
    return ToolContext(
        customer_id=customer_id,
        actor="assistant",
        actor_id=None,
        deps=ledger,
        approved_by=approved_by,
    )


def test_an_allowed_call_runs_and_returns_its_typed_result_as_data() -> None:
    ledger = Ledger()
    outcome = build_registry().execute("issue_credit", {"amount": 20}, context(ledger))
    assert outcome.status == "done"
    assert outcome.result == {"credited": 20, "total": 20}
    assert outcome.decision is not None and outcome.decision.outcome == "allow"
    assert ledger.credits == [("cust-1", 20)]


def test_a_call_that_needs_approval_does_not_run_without_one() -> None:
    ledger = Ledger()
    outcome = build_registry().execute("issue_credit", {"amount": 80}, context(ledger))
    assert outcome.status == "needs_approval"
    assert outcome.decision is not None
    assert outcome.decision.reason == "credit.above_limit"
    assert outcome.decision.details == {"limit": 50}
    assert ledger.credits == []


def test_a_call_that_needs_approval_runs_once_a_human_approved_it() -> None:
    ledger = Ledger()
    ctx = context(ledger, approved_by="agent-7")
    outcome = build_registry().execute("issue_credit", {"amount": 80}, ctx)
    assert outcome.status == "done"
    assert ledger.credits == [("cust-1", 80)]


def test_a_denied_call_does_not_run_even_with_approval() -> None:
    ledger = Ledger()
    ctx = context(ledger, approved_by="agent-7")
    outcome = build_registry().execute("issue_credit", {"amount": 900}, ctx)
    assert outcome.status == "denied"
    assert outcome.decision is not None and outcome.decision.reason == "credit.too_large"
    assert ledger.credits == []


def test_the_tools_own_recheck_refuses_a_caller_that_skips_the_registry() -> None:
    ledger = Ledger()
    with pytest.raises(Exception, match="not_verified"):
        credit_run(context(ledger, customer_id=None), CreditParams(amount=10))
    assert ledger.credits == []


def test_a_policy_that_changes_its_mind_inside_the_tool_reports_denied() -> None:
    decisions = iter([allow(), deny("credit.balance_changed")])

    def flipping_policy(ctx: ToolContext[Any], params: CreditParams) -> PolicyDecision:
        return next(decisions)

    def run(ctx: ToolContext[Ledger], params: CreditParams) -> CreditResult:
        enforce(flipping_policy(ctx, params), ctx)
        return CreditResult(credited=1, total=1)

    outcome = build_registry(run=run, policy=flipping_policy).execute(
        "issue_credit", {"amount": 10}, context(Ledger())
    )
    assert outcome.status == "denied"
    assert outcome.decision is not None and outcome.decision.reason == "credit.balance_changed"


def test_invalid_parameters_are_reported_with_the_fields_to_ask_again() -> None:
    ledger = Ledger()
    outcome = build_registry().execute("issue_credit", {"amount": "lots"}, context(ledger))
    assert outcome.status == "invalid"
    assert outcome.error == "invalid_params"
    assert outcome.fields == ["amount"]
    assert ledger.credits == []


def test_an_unknown_tool_is_an_invalid_call_not_a_crash() -> None:
    outcome = build_registry().execute("delete_everything", {}, context(Ledger()))
    assert outcome.status == "invalid"
    assert outcome.error == "unknown_tool"
    with pytest.raises(UnknownTool):
        build_registry().get("delete_everything")


def test_a_tool_that_raises_gives_an_error_code_without_the_exception_text() -> None:
    def explode(ctx: ToolContext[Ledger], params: CreditParams) -> CreditResult:
        raise RuntimeError("password=hunter2 at db-7")

    outcome = build_registry(run=explode).execute("issue_credit", {"amount": 1}, context(Ledger()))
    assert outcome.status == "error"
    assert outcome.error == "exception"
    assert "hunter2" not in outcome.model_dump_json()


def test_a_tool_error_keeps_its_stable_code() -> None:
    def missing(ctx: ToolContext[Ledger], params: CreditParams) -> CreditResult:
        raise ToolError("account_locked")

    outcome = build_registry(run=missing).execute("issue_credit", {"amount": 1}, context(Ledger()))
    assert (outcome.status, outcome.error) == ("error", "account_locked")


def test_a_policy_that_raises_is_an_error_and_the_tool_does_not_run() -> None:
    ledger = Ledger()

    def broken_policy(ctx: ToolContext[Any], params: CreditParams) -> PolicyDecision:
        raise ValueError("boom")

    outcome = build_registry(policy=broken_policy).execute(
        "issue_credit", {"amount": 1}, context(ledger)
    )
    assert (outcome.status, outcome.error) == ("error", "policy_error")
    assert ledger.credits == []


def test_a_tool_returning_garbage_is_an_error_not_a_success() -> None:
    def garbage(ctx: ToolContext[Ledger], params: CreditParams) -> Any:
        return {"credited": "a lot"}

    outcome = build_registry(run=garbage).execute("issue_credit", {"amount": 1}, context(Ledger()))
    assert (outcome.status, outcome.error) == ("error", "bad_result")
    assert outcome.result is None


def test_a_tool_returning_the_wrong_type_is_a_bad_result() -> None:
    def wrong_type(ctx: ToolContext[Ledger], params: CreditParams) -> Any:
        return "credited"

    outcome = build_registry(run=wrong_type).execute(
        "issue_credit", {"amount": 1}, context(Ledger())
    )
    assert (outcome.status, outcome.error) == ("error", "bad_result")


def test_a_slow_tool_times_out_and_its_late_write_is_refused() -> None:
    ledger = Ledger()
    finished = threading.Event()

    def slow(ctx: ToolContext[Ledger], params: CreditParams) -> CreditResult:
        try:
            time.sleep(0.3)
            return credit_run(ctx, params)
        finally:
            finished.set()

    started = time.monotonic()
    outcome = build_registry(run=slow).execute(
        "issue_credit", {"amount": 5}, context(ledger), timeout_s=0.05
    )
    assert time.monotonic() - started < 0.25
    assert (outcome.status, outcome.error) == ("error", "timeout")
    assert finished.wait(2.0)
    assert ledger.credits == []


def test_check_reports_the_policy_decision_without_running() -> None:
    ledger = Ledger()
    registry = build_registry()
    assert registry.check("issue_credit", {"amount": 80}, context(ledger)).outcome == (
        "needs_approval"
    )
    assert registry.check("issue_credit", {"amount": 0}, context(ledger)).reason == (
        "invalid_params"
    )
    assert registry.check("nope", {}, context(ledger)).reason == "unknown_tool"
    assert ledger.credits == []


def test_registering_two_tools_with_one_name_is_refused() -> None:
    registry = build_registry()
    with pytest.raises(ValueError, match="already registered"):
        registry.register(registry.get("issue_credit"))
    assert registry.names() == ["issue_credit"]


def test_an_outcome_records_the_parameters_as_validated() -> None:
    outcome = build_registry().execute("issue_credit", {"amount": "20"}, context(Ledger()))
    assert outcome.params == {"amount": 20}


def test_described_tools_carry_their_parameter_schema() -> None:
    (description,) = build_registry().describe()
    assert description.name == "issue_credit"
    assert description.mutates is True
    assert description.parameters["properties"]["amount"]["minimum"] == 1
