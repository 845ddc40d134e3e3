"""200 customers for 60 s while the server is SIGKILLed and restarted 3 times.

Afterwards every acknowledged message exists exactly once, in order within its
conversation, and every escalated conversation is waiting in the queue or with an agent.
Run with `make test-long` (marker `long`).
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, select

from relaydesk.store.engine import make_engine
from relaydesk.store.tables import conversations, events, queue_entries
from security.load import CustomerLog, LoadRun
from support.aio import run_isolated
from support.server import ServerProcess

CUSTOMERS = 200
SECONDS = 60.0
CRASH_AT = [12.0, 27.0, 42.0]

pytestmark = pytest.mark.long


@pytest.fixture
def server(tmp_path: Path) -> Iterator[ServerProcess]:
    process = ServerProcess(
        tmp_path,
        env={
            "RELAYDESK_ASSISTANT": "acknowledge",
            "RELAYDESK_RATE_LIMIT_IP_PER_MINUTE": "0",  # every customer shares 127.0.0.1
            "RELAYDESK_RATE_LIMIT_SESSION_PER_MINUTE": "0",
        },
    )
    process.start()
    yield process
    process.stop()


def stored_customer_texts(engine: Engine, conversation: str) -> list[str]:
    with engine.connect() as conn:
        rows = conn.execute(
            select(events.c.text)
            .where(
                events.c.conversation_id == conversation,
                events.c.source == "customer",
                events.c.kind == "message",
            )
            .order_by(events.c.seq)
        ).scalars()
        return [text or "" for text in rows]


def misplaced(engine: Engine, log: CustomerLog) -> list[str]:
    """Acknowledged messages missing, doubled or out of order in the stored conversation."""
    assert log.conversation is not None
    stored = stored_customer_texts(engine, log.conversation)
    problems = [
        f"{t!r} stored {stored.count(t)} times" for t in log.acknowledged if stored.count(t) != 1
    ]
    in_stored_order = [t for t in stored if t in set(log.acknowledged)]
    if in_stored_order != log.acknowledged:
        problems.append(f"order {in_stored_order} != {log.acknowledged}")
    extra = [t for t in stored if t not in set(log.acknowledged)]
    if len(extra) > 1:  # at most the one message in flight when the run ended
        problems.append(f"unacknowledged {extra}")
    return [f"{log.conversation}: {p}" for p in problems]


def waiting_or_assigned(engine: Engine, conversation: str) -> bool:
    with engine.connect() as conn:
        owner, version = conn.execute(
            select(conversations.c.owner, conversations.c.version).where(
                conversations.c.id == conversation
            )
        ).one()
        if owner == "agent":
            return True
        entry = conn.execute(
            select(queue_entries.c.id).where(
                queue_entries.c.conversation_id == conversation,
                queue_entries.c.version == version,
                queue_entries.c.left_at.is_(None),
            )
        ).first()
    return owner == "queued" and entry is not None


def test_nothing_acknowledged_is_lost_doubled_or_reordered_across_three_crashes(
    server: ServerProcess,
) -> None:
    load = LoadRun(server, CUSTOMERS, SECONDS)
    run_isolated(load.run(CRASH_AT))
    assert load.kills == 3
    started = [log for log in load.logs if log.conversation]
    acknowledged = sum(len(log.acknowledged) for log in load.logs)
    escalations = sum(log.escalated for log in load.logs)
    print(f"\n{acknowledged} messages and {escalations} escalations acknowledged, 3 crashes")
    assert len(started) == CUSTOMERS and acknowledged >= 2 * CUSTOMERS
    assert [u for log in load.logs for u in log.unexpected] == []
    engine = make_engine(f"sqlite:///{server.data_dir / 'relaydesk.sqlite3'}")
    try:
        assert [p for log in started for p in misplaced(engine, log)] == []
        escalated = [log.conversation for log in started if log.escalated]
        assert escalated
        deadline = time.monotonic() + 20  # the routing loop queues what a crash interrupted
        while time.monotonic() < deadline:
            lost = [c for c in escalated if c and not waiting_or_assigned(engine, c)]
            if not lost:
                break
            time.sleep(1)
        assert lost == []
    finally:
        engine.dispose()
