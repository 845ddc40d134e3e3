"""A reading transactional tool decides its policy once, in the one transaction it reads in,
and reports refusals, failures and results as the two-step path does."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from pydantic import BaseModel
from sqlalchemy import Connection, Engine, event, text

from relaydesk.store.engine import make_engine
from relaydesk.tools import PolicyDecision, ToolContext, ToolError, ToolRegistry, allow, deny
from relaydesk.tools.spec import needs_approval
from relaydesk.tools.transactional import transactional_tool


@dataclass
class Backend:
    engine: Engine


class BalanceParams(BaseModel):
    account: str


class BalanceResult(BaseModel):
    balance: int


decisions: list[str] = []


def decide(conn: Connection, _ctx: Any, call: BalanceParams) -> tuple[PolicyDecision, int | None]:
    decisions.append(call.account)
    if call.account == "broken":
        raise RuntimeError("the policy's own query failed")
    balance = conn.execute(
        text("SELECT balance FROM accounts WHERE id = :id"), {"id": call.account}
    ).scalar_one_or_none()
    if balance is None:
        return deny("no_such_account"), None
    if balance > 1000:
        return needs_approval("large_balance"), balance
    return allow(), balance


def apply(_conn: Connection, _ctx: Any, _call: BalanceParams, balance: int | None) -> BalanceResult:
    if balance == 0:
        raise ToolError("empty_account")
    assert balance is not None
    return BalanceResult(balance=balance)


@pytest.fixture
def tools(tmp_path: Path) -> Iterator[tuple[ToolRegistry, ToolContext[Backend], list[int]]]:
    decisions.clear()
    engine = make_engine(f"sqlite:///{tmp_path / 'backend.sqlite3'}")
    with engine.begin() as conn:
        conn.execute(text("CREATE TABLE accounts (id TEXT PRIMARY KEY, balance INTEGER)"))
        conn.execute(text("INSERT INTO accounts VALUES ('a', 40), ('rich', 5000), ('zero', 0)"))
    begun: list[int] = []
    event.listen(engine, "begin", lambda _conn: begun.append(1))
    registry = ToolRegistry()
    registry.register(
        transactional_tool(
            name="balance",
            description="An account's balance.",
            params=BalanceParams,
            result=BalanceResult,
            decide=decide,
            apply=apply,
            mutates=False,
            lock_customer=lambda _conn, _customer: None,
        )
    )
    ctx = ToolContext(customer_id="cus-1", actor="assistant", actor_id=None, deps=Backend(engine))
    yield registry, ctx, begun
    engine.dispose()


def test_an_allowed_read_decides_once_in_one_transaction(
    tools: tuple[ToolRegistry, ToolContext[Backend], list[int]],
) -> None:
    registry, ctx, begun = tools
    outcome = registry.execute("balance", {"account": "a"}, ctx)
    assert (outcome.status, outcome.result) == ("done", {"balance": 40})
    assert outcome.decision is not None and outcome.decision.outcome == "allow"
    assert decisions == ["a"] and len(begun) == 1


@pytest.mark.parametrize(
    ("account", "status", "reason"),
    [("nobody", "denied", "no_such_account"), ("rich", "needs_approval", "large_balance")],
)
def test_a_refused_read_reports_the_decision_and_does_not_apply(
    tools: tuple[ToolRegistry, ToolContext[Backend], list[int]],
    account: str,
    status: str,
    reason: str,
) -> None:
    registry, ctx, begun = tools
    outcome = registry.execute("balance", {"account": account}, ctx)
    assert outcome.status == status and outcome.result is None
    assert outcome.decision is not None and outcome.decision.reason == reason
    assert decisions == [account] and len(begun) == 1


def test_a_failing_policy_and_a_failing_read_keep_their_codes(
    tools: tuple[ToolRegistry, ToolContext[Backend], list[int]],
) -> None:
    registry, ctx, _begun = tools
    broken = registry.execute("balance", {"account": "broken"}, ctx)
    assert (broken.status, broken.error) == ("error", "policy_error")
    empty = registry.execute("balance", {"account": "zero"}, ctx)
    assert (empty.status, empty.error) == ("error", "empty_account")


def test_check_still_answers_with_the_policy_alone(
    tools: tuple[ToolRegistry, ToolContext[Backend], list[int]],
) -> None:
    registry, ctx, begun = tools
    assert registry.check("balance", {"account": "rich"}, ctx).outcome == "needs_approval"
    assert registry.check("balance", {"account": "a"}, ctx).outcome == "allow"
    assert decisions == ["rich", "a"] and len(begun) == 2
