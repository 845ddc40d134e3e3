"""CPU of an empty transaction on SQLite, through the engine `make_engine` builds.

Usage: .venv/bin/python bench/transaction_cost.py [--transactions 3000] [--repeats 5]

Times, in CPU, a write transaction (one INSERT) and a reading one (`reading()`, one SELECT)
on a fresh file, and prints the medians of the repeats. Run it with `PYTHONPATH` set to
another version's `src` to compare the two in one sitting.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

from sqlalchemy import Engine

from relaydesk.sql import reading
from relaydesk.store.engine import make_engine


def per_transaction_us(engine: Engine, transactions: int) -> tuple[float, float]:
    started = time.process_time()
    for _ in range(transactions):
        with engine.begin() as conn:
            conn.exec_driver_sql("INSERT INTO t VALUES (1)")
    writing = (time.process_time() - started) / transactions * 1e6
    started = time.process_time()
    for _ in range(transactions):
        with reading(engine) as conn:
            conn.exec_driver_sql("SELECT 1").all()
    return writing, (time.process_time() - started) / transactions * 1e6


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--transactions", type=int, default=3000)
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        engine = make_engine(f"sqlite:///{Path(folder) / 'cost.sqlite3'}")
        with engine.begin() as conn:
            conn.exec_driver_sql("CREATE TABLE t (x INTEGER)")
        runs = [per_transaction_us(engine, args.transactions) for _ in range(args.repeats)]
        engine.dispose()
    print(
        f"write transaction {statistics.median(w for w, _ in runs):.0f} us, "
        f"reading transaction {statistics.median(r for _, r in runs):.0f} us "
        f"(CPU, median of {args.repeats})"
    )


if __name__ == "__main__":
    main()
