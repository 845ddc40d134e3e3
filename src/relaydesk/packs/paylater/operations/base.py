"""How every demo tool is built: decide from facts, and re-decide inside the write transaction."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
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
    check_deadline,
    enforce,
)

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


@contextmanager
def _reading(ctx: Ctx) -> Iterator[Connection]:
    with ctx.deps.engine.connect() as conn:
        yield conn


@contextmanager
def _writing(ctx: Ctx) -> Iterator[Connection]:
    with ctx.deps.engine.begin() as conn:
        if ctx.customer_id is not None:
            lock_customer(conn, ctx.customer_id)
        yield conn
        # Raising here rolls the transaction back: a caller that gave up never sees a write.
        check_deadline(ctx)


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
    """A tool whose run() always re-decides its policy in the transaction that applies it."""

    def policy(ctx: Ctx, call: P) -> PolicyDecision:
        with _reading(ctx) as conn:
            return decide(conn, ctx, call)[0]

    def run(ctx: Ctx, call: P) -> R:
        opener = _writing if mutates else _reading
        with opener(ctx) as conn:
            decision, facts = decide(conn, ctx, call)
            enforce(decision, ctx)
            return apply(conn, ctx, call, facts)

    return ToolSpec(
        name=name,
        description=description,
        params=params,
        result=result,
        policy=policy,
        run=run,
        mutates=mutates,
    )


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
