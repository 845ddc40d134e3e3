"""`relaydesk chat` against a real server with the demo assistant, as a newcomer types."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import select

from relaydesk.packs.paylater.backend import tables as t
from relaydesk.packs.paylater.backend.demo import ALICE_PLAN_ORDER_ID
from relaydesk.store.engine import make_engine
from support.server import ServerProcess, seed_demo_database

IDENTITY_SECRET = "terminal-chat-identity-secret"


@pytest.fixture
def demo_server(tmp_path: Path) -> Iterator[ServerProcess]:
    seed_demo_database(tmp_path)
    server = ServerProcess(
        tmp_path,
        env={
            "RELAYDESK_ASSISTANT": "pack",
            "RELAYDESK_IDENTITY_SECRET": IDENTITY_SECRET,
            "RELAYDESK_ENVIRONMENT": "test",
        },
    )
    server.start(timeout=300)
    yield server
    server.stop()


def postponed(server: ServerProcess) -> int:
    engine = make_engine(f"sqlite:///{server.data_dir / 'relaydesk.sqlite3'}")
    try:
        with engine.begin() as conn:
            return len(
                conn.execute(
                    select(t.instalments.c.id)
                    .join(t.payment_plans, t.payment_plans.c.id == t.instalments.c.plan_id)
                    .where(
                        t.payment_plans.c.order_id == ALICE_PLAN_ORDER_ID,
                        t.instalments.c.postponed,
                    )
                ).all()
            )
    finally:
        engine.dispose()


def test_the_terminal_chat_answers_and_a_confirmed_postponement_changes_the_plan(
    demo_server: ServerProcess, tmp_path: Path
) -> None:
    typed = "when is my next payment?\ncan I push it back a week?\nyes\n\n"
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "relaydesk",
            "chat",
            "--url",
            demo_server.url,
            "--customer",
            "cust-alice",
        ],
        input=typed,
        capture_output=True,
        text=True,
        timeout=120,
        env={**demo_server.env, "COLUMNS": "200"},
    )
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "assistant: Your next payment of €60.00 is due on" in out
    assert "reply with one of: [yes] Yes  [no] No" in out
    assert "assistant: Done. The payment of €60.00" in out
    assert postponed(demo_server) == 1
