"""Tools over a SQL backend whose run re-decides the policy in the transaction that applies it.

A pack's preview (`policy`) and its run read the same facts through the same `decide`, so what
the customer was told and what happens cannot drift; a write takes the pack's per-customer
lock first, so two concurrent calls for one customer see each other's result.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from typing import Any, TypeVar

from pydantic import BaseModel
from sqlalchemy import Connection

from relaydesk.sql import reading
from relaydesk.tools.spec import (
    PolicyDecision,
    PolicyFailed,
    ToolContext,
    ToolSpec,
    check_deadline,
    enforce,
)

P = TypeVar("P", bound=BaseModel)
R = TypeVar("R", bound=BaseModel)
Facts = TypeVar("Facts")


Ctx = ToolContext[Any]
LockCustomer = Callable[[Connection, str], None]


def transactional_tool(
    *,
    name: str,
    description: str,
    params: type[P],
    result: type[R],
    decide: Callable[[Connection, Ctx, P], tuple[PolicyDecision, Facts]],
    apply: Callable[[Connection, Ctx, P, Facts], R],
    mutates: bool,
    lock_customer: LockCustomer,
) -> ToolSpec[P, R]:
    """A tool whose run() always re-decides its policy in the transaction that applies it;
    `ctx.deps.engine` is the backend."""

    def reader(ctx: Ctx) -> AbstractContextManager[Connection]:
        return reading(ctx.deps.engine)

    @contextmanager
    def writer(ctx: Ctx) -> Iterator[Connection]:
        with ctx.deps.engine.begin() as conn:
            if ctx.customer_id is not None:
                lock_customer(conn, ctx.customer_id)
            yield conn
            # Raising here rolls the transaction back: a caller that gave up never sees a write.
            check_deadline(ctx)

    def policy(ctx: Ctx, call: P) -> PolicyDecision:
        with reader(ctx) as conn:
            return decide(conn, ctx, call)[0]

    def run(ctx: Ctx, call: P) -> R:
        with (writer if mutates else reader)(ctx) as conn:
            decision, facts = decide(conn, ctx, call)
            enforce(decision, ctx)
            return apply(conn, ctx, call, facts)

    def decided_run(ctx: Ctx, call: P) -> tuple[PolicyDecision, R]:
        with reader(ctx) as conn:
            try:
                decision, facts = decide(conn, ctx, call)
            except Exception as error:
                raise PolicyFailed(name) from error
            enforce(decision, ctx)
            return decision, apply(conn, ctx, call, facts)

    return ToolSpec(
        name=name,
        description=description,
        params=params,
        result=result,
        policy=policy,
        run=run,
        mutates=mutates,
        decided_run=None if mutates else decided_run,
    )
