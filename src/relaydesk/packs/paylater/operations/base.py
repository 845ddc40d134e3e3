"""How every demo tool is built: decide from facts, and re-decide inside the write transaction."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import TypeVar

from pydantic import BaseModel
from sqlalchemy import Connection, Engine

from relaydesk.packs.paylater.operations.queries import load_order, lock_customer
from relaydesk.packs.paylater.policy import OrderFacts, PolicyConfig, owned, verified
from relaydesk.packs.paylater.verification_limits import VerificationLimits
from relaydesk.tools import (
    PolicyDecision,
    ToolContext,
    ToolSpec,
    allow,
)
from relaydesk.tools.transactional import transactional_tool

P = TypeVar("P", bound=BaseModel)
R = TypeVar("R", bound=BaseModel)
Facts = TypeVar("Facts")
T = TypeVar("T")


@dataclass(frozen=True)
class PaylaterDeps:
    """What the demo tools run against: the backend, the limits, and today's date."""

    engine: Engine
    config: PolicyConfig = field(default_factory=PolicyConfig)
    clock: Callable[[], date] = date.today
    verification: VerificationLimits = field(default_factory=VerificationLimits)


Ctx = ToolContext[PaylaterDeps]
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
        decide=decide, apply=apply, mutates=mutates, lock_customer=lock_customer,
    )  # fmt: skip


def customer_order(
    conn: Connection, ctx: Ctx, order_id: str
) -> tuple[PolicyDecision, OrderFacts | None]:
    """The verified customer's own order, or the refusal that applies."""
    refusal = verified(ctx)
    if refusal is not None:
        return refusal, None
    order = load_order(conn, order_id, ctx.deps.clock())
    refusal = owned(ctx, order)
    if refusal is not None:
        return refusal, None
    return allow(), order


def need(facts: T | None) -> T:
    """Facts an allowed decision promised; their absence is a bug, not a customer's error."""
    if facts is None:
        raise RuntimeError("an allowed decision came without its facts")
    return facts
