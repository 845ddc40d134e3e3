"""How every store tool is built: decide from facts, and re-decide inside the write transaction."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

from pydantic import BaseModel
from sqlalchemy import Connection, Engine

from relaydesk.packs.retail.operations.queries import load_order, lock_user
from relaydesk.packs.retail.policy import OrderFacts, own_order
from relaydesk.tools import PolicyDecision, ToolContext, ToolSpec
from relaydesk.tools.transactional import transactional_tool

P = TypeVar("P", bound=BaseModel)
R = TypeVar("R", bound=BaseModel)
Facts = TypeVar("Facts")
T = TypeVar("T")


@dataclass(frozen=True)
class RetailDeps:
    """What the store's tools run against: the store's database."""

    engine: Engine


Ctx = ToolContext[RetailDeps]
Decide = Callable[[Connection, Ctx, P], tuple[PolicyDecision, Facts]]
Apply = Callable[[Connection, Ctx, P, Facts], R]


def guarded_tool(
    *,
    name: str,
    description: str,
    params: type[P],
    result: type[R],
    decide: Decide[P, Facts],
    apply: Apply[P, Facts, R],
    mutates: bool,
) -> ToolSpec[P, R]:
    """A tool whose run() re-decides its policy in the transaction that applies it."""
    return transactional_tool(
        name=name, description=description, params=params, result=result,
        decide=decide, apply=apply, mutates=mutates, lock_customer=lock_user,
    )  # fmt: skip


def customer_order(
    conn: Connection, ctx: Ctx, order_id: str
) -> tuple[PolicyDecision, OrderFacts | None]:
    """The authenticated customer's own order, or the refusal that applies."""
    order = load_order(conn, order_id) if ctx.customer_id is not None else None
    decision = own_order(ctx, order)
    return decision, order if decision.allowed else None


def need(facts: T | None) -> T:
    """Facts an allowed decision promised; their absence is a bug, not a customer's error."""
    if facts is None:
        raise RuntimeError("an allowed decision came without its facts")
    return facts
