"""Replaying a task's gold calls through the store's own tools, under their policy.

The replay authenticates as the benchmark's agent does: a successful find_user_id_* call makes
that user the conversation's customer, and every later call runs for them. Gold lists often
hold only the writes; then the customer is the owner of the first order or profile they name
(the benchmark replays without authentication, our tools never run without it). A gold call
the policy refuses is reported, not forced through.
"""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event, select

from relaydesk.packs.retail.backend import tables as t
from relaydesk.packs.retail.backend.seed import seed_store
from relaydesk.packs.retail.evaluation.tasks import GoldAction
from relaydesk.packs.retail.tools import build_retail_tools, retail_context
from relaydesk.tools import ToolOutcome, ToolRegistry

AUTHENTICATING = ("find_user_id_by_email", "find_user_id_by_name_zip")
REPLAY_TIMEOUT_S = 10.0  # a gold call on a busy machine is still a gold call


@dataclass
class Replay:
    """What each replayed call did, and who ended up authenticated."""

    outcomes: list[ToolOutcome] = field(default_factory=list)
    customer_id: str | None = None

    @property
    def refused(self) -> list[ToolOutcome]:
        """Calls that did not run (refused by policy, invalid, or failed)."""
        return [outcome for outcome in self.outcomes if not outcome.done]


def replay_actions(
    engine: Engine, actions: Sequence[GoldAction], tools: ToolRegistry | None = None
) -> Replay:
    """Run the calls in order on this store, authenticating as they find the customer."""
    registry = tools or build_retail_tools()
    replay = Replay(customer_id=gold_customer(engine, actions))
    for action in actions:
        ctx = retail_context(engine, replay.customer_id)
        outcome = registry.execute(action.name, action.arguments, ctx, timeout_s=REPLAY_TIMEOUT_S)
        replay.outcomes.append(outcome)
        if action.name in AUTHENTICATING and outcome.done and outcome.result is not None:
            replay.customer_id = str(outcome.result["user_id"])
    return replay


def gold_customer(engine: Engine, actions: Sequence[GoldAction]) -> str | None:
    """Whom the gold calls act for when they do not authenticate first, else None."""
    first = next((a for a in actions if a.name not in ("calculate", "transfer_to_human_agents")),
                 None)
    if first is None or first.name in AUTHENTICATING:
        return None
    if "user_id" in first.arguments:
        return str(first.arguments["user_id"])
    order_id = first.arguments.get("order_id")
    if order_id is None:
        return None
    with engine.connect() as conn:
        query = select(t.orders.c.user_id).where(t.orders.c.order_id == str(order_id))
        owner = conn.execute(query).scalar()
    return None if owner is None else str(owner)


class StoreCopies:
    """Fresh copies of the seeded store as SQLite files: seeded once, then copied per use."""

    def __init__(self, folder: Path) -> None:
        self._folder = folder
        self._template = folder / "store-template.sqlite3"
        self._count = 0

    def _seed_template(self) -> None:
        engine = create_engine(f"sqlite:///{self._template}")
        try:
            seed_store(engine)
        finally:
            engine.dispose()

    @contextmanager
    def fresh(self) -> Iterator[Engine]:
        """An engine on a new copy of the store, as db.json has it; disposed after use."""
        if not self._template.exists():
            self._seed_template()
        self._count += 1
        path = self._folder / f"store-{self._count}.sqlite3"
        shutil.copyfile(self._template, path)
        engine = create_engine(f"sqlite:///{path}")
        event.listen(engine, "connect", _throwaway)
        try:
            yield engine
        finally:
            engine.dispose()
            path.unlink(missing_ok=True)


def _throwaway(connection: Any, _record: Any) -> None:
    """A copy lives for one task: no need to wait for the disk on every commit."""
    cursor = connection.cursor()
    cursor.execute("PRAGMA synchronous=OFF")
    cursor.execute("PRAGMA journal_mode=MEMORY")
    cursor.close()


@contextmanager
def store_copies() -> Iterator[StoreCopies]:
    """Store copies in a temporary folder that is removed afterwards."""
    with tempfile.TemporaryDirectory(prefix="relaydesk-retail-") as folder:
        yield StoreCopies(Path(folder))
