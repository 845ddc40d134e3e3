"""The simulator's customers of the store: planned from the pack's personas, signed in as
db.json's users, and played against a real server with the store's assistant."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import func, select

from relaydesk.packs.retail.pack import retail_pack
from relaydesk.packs.retail.personas import RETAIL_PERSONAS
from relaydesk.packs.retail.simulation import SIMULATION, count_users, user_ref
from relaydesk.settings import DEFAULT_SECRET
from relaydesk.simulation.plan import plan_visits
from relaydesk.simulation.runner import SimulationConfig, simulate
from relaydesk.store import tables as core
from relaydesk.store.engine import make_engine
from relaydesk.store.migrate import upgrade
from support.server import ServerProcess

END = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)
IDENTITY_SECRET = "retail-simulation-identity-secret"


def test_the_plan_signs_in_the_stores_users_and_uses_every_persona() -> None:
    visits = plan_visits(
        400, 7, END, RETAIL_PERSONAS, seed=2, backend_customers=500, seeded_customer=user_ref
    )
    assert set(Counter(v.script.persona for v in visits)) == set(RETAIL_PERSONAS.personas)
    assert {v.script.language for v in visits} == {"en", "de", "es", "fr", "sv"}
    assert user_ref(1) == "noah_brown_6181"
    assert {v.customer_ref for v in visits} <= {user_ref(n) for n in range(1, 501)}
    assert not [v for v in visits if v.script.needs_approval]


@pytest.mark.slow
def test_a_small_simulated_week_runs_against_the_stores_assistant(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'relaydesk.sqlite3'}"
    engine = make_engine(url)
    pack = retail_pack()
    try:
        upgrade(engine)
        pack.prepare_backend(engine)
        assert count_users(engine) == 500
    finally:
        engine.dispose()
    server = ServerProcess(
        tmp_path,
        env={
            "RELAYDESK_PACK": "retail",
            "RELAYDESK_ASSISTANT": "pack",
            "RELAYDESK_IDENTITY_SECRET": IDENTITY_SECRET,
            "RELAYDESK_ENVIRONMENT": "test",
            "RELAYDESK_RATE_LIMIT_IP_PER_MINUTE": "0",
        },
    )
    server.start(timeout=300)
    engine = make_engine(url)
    try:
        summary = simulate(
            [server.url], engine, DEFAULT_SECRET, IDENTITY_SECRET,
            SimulationConfig(customers=12, days=2, agents=2, concurrency=3, seed=5),
            backend_customers=500, pack=pack, parts=SIMULATION,
        )  # fmt: skip
        with engine.connect() as conn:
            conversations = conn.execute(
                select(func.count()).select_from(core.conversations)
            ).scalar_one()
    finally:
        engine.dispose()
        server.stop()
    assert summary.errors == []
    assert summary.visits >= 12
    assert conversations >= 12
