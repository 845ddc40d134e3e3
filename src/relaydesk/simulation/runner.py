"""Running a simulated stretch of traffic against a relaydesk server, then re-timing it."""

from __future__ import annotations

import random
import time
from collections import Counter
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor, as_completed
from contextlib import ExitStack
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

import httpx
from sqlalchemy import Engine

from relaydesk.pack import Pack, SimulationParts
from relaydesk.simulation.client import login
from relaydesk.simulation.plan import Visit, plan_visits
from relaydesk.simulation.retime import retime
from relaydesk.simulation.setup import agent_password, ensure_agents
from relaydesk.simulation.staffing import AgentPool
from relaydesk.simulation.visits import VisitResult, VisitRunner

# The simulated stretch ends a little before now, so agents' work on the last arrivals
# lands in the past too.
END_MARGIN = timedelta(hours=3)
DEMO_SEED = 42  # the seed when a pack names none


@dataclass(frozen=True)
class SimulationConfig:
    customers: int
    days: int
    agents: int
    capacity: int = 3
    concurrency: int = 12
    seed: int = 7
    spike: int = 0  # extra customers asking about the pack's spike topic on the last day
    unanswered: int = 0  # extra customers asking what the assistant cannot answer


@dataclass
class SimulationSummary:
    visits: int
    since: datetime
    until: datetime
    outcomes: Counter[str] = field(default_factory=Counter)
    errors: list[str] = field(default_factory=list)
    seconds: float = 0.0
    events_moved: int = 0


def ensure_backend(engine: Engine, customers: int, pack: Pack, parts: SimulationParts) -> int:
    """Give every simulated customer an account in the pack's backend; returns how many exist.

    With fewer seeded customers than `customers`, the backend is seeded again with the
    demo's own seed (so the demo's customers are the same) and enough customers: ten
    simulated people sharing one account would look like repeat inquiries.
    """
    found = parts.count_customers(engine)
    if found >= customers:
        return found
    seed = pack.demo.demo_seed if pack.demo else DEMO_SEED
    pack.prepare_backend(engine)
    pack.seed_backend(engine, customers=customers, today=date.today(), seed=seed)
    return parts.count_customers(engine)


def plan(
    config: SimulationConfig, backend_customers: int, now: datetime, parts: SimulationParts
) -> list[Visit]:
    end = now - END_MARGIN
    refs = parts.approval_refs(min(config.customers, backend_customers))
    return plan_visits(
        config.customers,
        config.days,
        end,
        parts.personas,
        seed=config.seed,
        backend_customers=backend_customers,
        approval_refs=refs,
        seeded_customer=parts.customer_ref,
        spike=config.spike,
        unanswered=config.unanswered,
    )


def simulate(
    urls: Sequence[str],
    engine: Engine,
    secret_key: str,
    identity_secret: str,
    config: SimulationConfig,
    *,
    backend_customers: int,
    pack: Pack,
    parts: SimulationParts,
    on_planned: Callable[[int], None] = lambda _total: None,
    on_visit: Callable[[VisitResult], None] = lambda _result: None,
) -> SimulationSummary:
    """Play every planned visit through the API at `urls`, then move them onto simulated time.

    Several URLs are servers sharing one database (as behind a load balancer).
    """
    started = time.perf_counter()
    now = datetime.now(UTC)
    visits = plan(config, backend_customers, now, parts)
    on_planned(len(visits))
    emails = ensure_agents(engine, secret_key, config.agents, config.capacity, pack.skills)
    summary = SimulationSummary(
        visits=len(visits), since=now - timedelta(days=config.days), until=now - END_MARGIN
    )
    limits = httpx.Limits(max_connections=config.concurrency * 2)
    results: list[VisitResult] = []
    with ExitStack() as stack:
        clients = [
            stack.enter_context(httpx.Client(base_url=one, timeout=120, limits=limits))
            for one in urls
        ]
        logins = [login(clients[0], email, agent_password(secret_key)) for email in emails]
        pool = AgentPool(config.agents, config.capacity, random.Random(config.seed))
        runner = VisitRunner(clients, identity_secret, pool, logins, config.capacity, config.seed)
        with ThreadPoolExecutor(config.concurrency) as workers:
            futures = [workers.submit(runner.run, i, visit) for i, visit in enumerate(visits)]
            for future in as_completed(futures):
                result = future.result()
                results.append(result)
                on_visit(result)
    _tally(results, summary)
    anchors = {r.conversation_id: r.anchors for r in results if r.conversation_id}
    summary.events_moved = retime(engine, anchors)
    summary.seconds = time.perf_counter() - started
    return summary


def _tally(results: list[VisitResult], summary: SimulationSummary) -> None:
    for result in results:
        kind = "error" if result.outcome.startswith("error") else result.outcome
        summary.outcomes[kind] += 1
        if kind == "error" and len(summary.errors) < 5:
            summary.errors.append(result.outcome)
