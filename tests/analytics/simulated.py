"""A real relaydesk server with the demo assistant, filled by a small simulation."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from relaydesk.desk.agents import AgentDesk
from relaydesk.domain.agents import Role
from relaydesk.packs.paylater.pack import paylater_pack
from relaydesk.packs.paylater.simulation import SIMULATION
from relaydesk.settings import DEFAULT_SECRET
from relaydesk.simulation.runner import SimulationConfig, SimulationSummary, simulate
from relaydesk.store.agents import AgentStore
from relaydesk.store.engine import make_engine
from support.server import ServerProcess, seed_demo_database
from support.services import shared_cache_dir

IDENTITY_SECRET = "analytics-test-identity-secret"
SUPERVISOR_EMAIL = "sam.supervisor@example.com"
AGENT_EMAIL = "avery.agent@example.com"
PASSWORD = "a-long-test-password"
PAYLATER = paylater_pack()


@dataclass(frozen=True)
class SimulatedServer:
    server: ServerProcess
    database_url: str
    summary: SimulationSummary

    @property
    def url(self) -> str:
        return self.server.url


def _prepare(data_dir: Path) -> str:
    url = seed_demo_database(data_dir)
    engine = make_engine(url)
    try:
        desk = AgentDesk(AgentStore(engine), DEFAULT_SECRET)
        desk.add_agent(
            email=SUPERVISOR_EMAIL, display_name="Sam", password=PASSWORD, role=Role.SUPERVISOR
        )
        desk.add_agent(email=AGENT_EMAIL, display_name="Avery", password=PASSWORD)
    finally:
        engine.dispose()
    return url


METRICS_TOKEN = "scrape-token-for-tests"


@contextmanager
def simulated_server(
    data_dir: Path,
    customers: int = 40,
    *,
    spike: int = 0,
    unanswered: int = 0,
    env: dict[str, str] | None = None,
) -> Iterator[SimulatedServer]:
    """Start the server (with `env` added to its settings), simulate `customers` customers over
    7 days (plus an injected spike and unanswered questions, if asked), yield, stop."""
    database_url = _prepare(data_dir)
    server = ServerProcess(
        data_dir,
        env={
            "RELAYDESK_IDENTITY_SECRET": IDENTITY_SECRET,
            "RELAYDESK_ENVIRONMENT": "test",
            "RELAYDESK_ASSISTANT": "pack",
            "RELAYDESK_CACHE_DIR": str(shared_cache_dir()),
            "RELAYDESK_RATE_LIMIT_IP_PER_MINUTE": "0",
            "RELAYDESK_METRICS_TOKEN": METRICS_TOKEN,
            **(env or {}),
        },
    )
    server.start(timeout=300)
    try:
        engine = make_engine(database_url)
        try:
            summary = simulate(
                [server.url],
                engine,
                DEFAULT_SECRET,
                IDENTITY_SECRET,
                SimulationConfig(
                    customers=customers,
                    days=7,
                    agents=4,
                    concurrency=6,
                    seed=3,
                    spike=spike,
                    unanswered=unanswered,
                ),
                backend_customers=200,
                pack=PAYLATER,
                parts=SIMULATION,
            )
        finally:
            engine.dispose()
        yield SimulatedServer(server, database_url, summary)
    finally:
        server.stop()
