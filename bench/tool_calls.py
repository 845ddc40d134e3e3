"""The demo pack's tool calls alone: the reads of each look-up, and each change's policy check.

Usage: .venv/bin/python bench/tool_calls.py [--database-url URL] [--rounds 300]

Seeds the demo backend on a fresh SQLite file or a fresh schema of the PostgreSQL database
given, then `--rounds` times runs every look-up tool (`execute`) and checks every changing
tool's policy (`check`, which reads what the change would be decided on, without writing).
Prints each call's median wall time and statements after a warm-up, and this process's CPU
a round. Compare two versions by running it with PYTHONPATH set to each one's `src`,
alternated.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from sqlalchemy import Engine, event
from turn_profile import database

from relaydesk.packs.paylater.backend import (
    ALICE_ID,
    ALICE_OLD_ORDER_ID,
    ALICE_PLAN_ORDER_ID,
    ALICE_REFUND_ORDER_ID,
    ALICE_RETURN_ORDER_ID,
    create_backend_schema,
    seed_backend,
)
from relaydesk.packs.paylater.tools import build_paylater_tools, paylater_context
from relaydesk.store.engine import make_engine

TODAY = date(2026, 3, 16)
WARM_UP_ROUNDS = 30
LOOK_UPS: list[tuple[str, dict[str, Any]]] = [
    ("next_payment", {}),
    ("get_payment_plan", {"order_id": ALICE_PLAN_ORDER_ID}),
    ("explain_fee", {"fee": "late_fee"}),
    ("explain_fee", {"fee": "late_fee", "order_id": ALICE_PLAN_ORDER_ID}),
    ("refund_status", {"order_id": ALICE_REFUND_ORDER_ID}),
    ("find_orders", {}),
    ("list_payment_methods", {}),
]
CHECKS: list[tuple[str, dict[str, Any]]] = [
    ("postpone_payment", {"order_id": ALICE_PLAN_ORDER_ID, "days": 7}),
    ("pay_instalment", {"order_id": ALICE_PLAN_ORDER_ID}),
    ("pause_payments", {"order_id": ALICE_RETURN_ORDER_ID}),
    ("request_refund", {"order_id": ALICE_RETURN_ORDER_ID}),
    ("open_dispute", {"order_id": ALICE_OLD_ORDER_ID, "reason": "wrong_item"}),
]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", help="PostgreSQL; a fresh SQLite file if not given")
    parser.add_argument("--rounds", type=int, default=300)
    args = parser.parse_args()
    with database(args.database_url) as url:
        engine = make_engine(url)
        seed_backend_for(engine)
        tools = build_paylater_tools()
        context = paylater_context(engine, ALICE_ID, clock=lambda: TODAY)
        calls: list[tuple[str, Callable[[], object]]] = [
            (f"{name} {sorted(params)}", _call(tools.execute, name, params, context))
            for name, params in LOOK_UPS
        ] + [
            (f"check {name}", _call(tools.check, name, params, context)) for name, params in CHECKS
        ]
        statements = [0]
        event.listen(engine, "before_cursor_execute", lambda *_: _add(statements))
        timings: dict[str, list[float]] = {label: [] for label, _ in calls}
        counts: dict[str, int] = {}
        cpu = 0.0
        for round_ in range(WARM_UP_ROUNDS + args.rounds):
            started_cpu = time.process_time()
            for label, call in calls:
                statements[0] = 0
                started = time.perf_counter()
                call()
                if round_ >= WARM_UP_ROUNDS:
                    timings[label].append(time.perf_counter() - started)
                counts[label] = statements[0]
            if round_ >= WARM_UP_ROUNDS:
                cpu += time.process_time() - started_cpu
        engine.dispose()
    print(f"{engine.dialect.name}, {args.rounds} rounds:")
    for label, values in timings.items():
        median = statistics.median(values) * 1000
        print(f"  {label:<48} {median:6.2f} ms  {counts[label]} statements")
    print(f"this process's CPU a round: {cpu / args.rounds * 1000:.2f} ms")


def seed_backend_for(engine: Engine) -> None:
    create_backend_schema(engine)
    seed_backend(engine, seed=7, customers=5, today=TODAY)


def _call(
    run: Callable[..., object], name: str, params: dict[str, Any], context: Any
) -> Callable[[], object]:
    return lambda: run(name, params, context, timeout_s=10)


def _add(counter: list[int]) -> None:
    counter[0] += 1


if __name__ == "__main__":
    main()
