"""What the simulator needs from the store's backend: its users, in db.json's order."""

from __future__ import annotations

from functools import cache

from sqlalchemy import Engine, func, select
from sqlalchemy.exc import SQLAlchemyError

from relaydesk.pack import SimulationParts
from relaydesk.packs.retail.backend import tables as t
from relaydesk.packs.retail.backend.seed import read_snapshot
from relaydesk.packs.retail.personas import RETAIL_PERSONAS


@cache
def _user_ids() -> tuple[str, ...]:
    return tuple(read_snapshot()["users"])


def user_ref(number: int) -> str:
    """The n-th user of db.json (from 1); past the last one it starts again."""
    users = _user_ids()
    return users[(number - 1) % len(users)]


def count_users(engine: Engine) -> int:
    """How many users the store holds; 0 without its tables."""
    try:
        with engine.connect() as conn:
            return int(conn.execute(select(func.count()).select_from(t.users)).scalar_one())
    except SQLAlchemyError:  # no store tables at all
        return 0


def no_approvals(customers: int) -> list[str | None]:
    """The store's policy needs no person's approval for anything its tools do."""
    return [None] * customers


SIMULATION = SimulationParts(
    personas=RETAIL_PERSONAS,
    count_customers=count_users,
    customer_ref=user_ref,
    approval_refs=no_approvals,
)
