"""What a PostgreSQL round trip, a commit and psycopg's pipeline cost from this machine.

Usage: .venv/bin/python bench/pg_round_trips.py [--database-url URL] [--repeats 2000]

Times, each as the median of `--repeats` runs after a warm-up, on a table of its own that
it drops afterwards:
- a prepared `SELECT 1` in autocommit (wall and the client's CPU);
- a one-insert transaction's COMMIT, with and without `SET LOCAL synchronous_commit = off`
  (the difference is about the server's flush to disk);
- a transaction of one `SELECT`, plain and with psycopg's pipeline sending the `BEGIN`
  with the statement;
- three events inserted through SQLAlchemy's `executemany` and as one multi-row `INSERT`.
"""

from __future__ import annotations

import argparse
import statistics
import time
import uuid
from collections.abc import Callable

import psycopg
from sqlalchemy import JSON, Column, Engine, Integer, MetaData, String, Table, create_engine, insert

WARM_UP = 100


def median_us(step: Callable[[], float | None], repeats: int) -> float:
    """The median of `step`'s own figure (seconds), or of its wall time when it gives none."""
    times = []
    for run in range(repeats + WARM_UP):
        started = time.perf_counter()
        own = step()
        if run >= WARM_UP:
            times.append(own if own is not None else time.perf_counter() - started)
    return statistics.median(times) * 1e6


def driver_figures(conninfo: str, repeats: int) -> None:
    with psycopg.connect(conninfo, autocommit=True) as auto:

        def select_one() -> None:
            auto.execute("SELECT 1", prepare=True).fetchone()

        cpu_started = time.process_time()
        wall = median_us(select_one, repeats)
        cpu = (time.process_time() - cpu_started) / (repeats + WARM_UP) * 1e6
        print(f"SELECT 1, prepared, autocommit: {wall:.0f} us a round trip, {cpu:.0f} us of CPU")
    with psycopg.connect(conninfo) as conn:
        table = f"bench_commits_{uuid.uuid4().hex[:8]}"
        conn.execute(f"CREATE TABLE {table} (x int)")
        conn.commit()

        def commit(synchronous: bool) -> float:
            if not synchronous:
                conn.execute("SET LOCAL synchronous_commit = off")
            conn.execute(f"INSERT INTO {table} VALUES (1)", prepare=True)
            started = time.perf_counter()
            conn.commit()
            return time.perf_counter() - started

        on = median_us(lambda: commit(True), repeats)
        off = median_us(lambda: commit(False), repeats)
        print(f"COMMIT of one insert: {on:.0f} us; with synchronous_commit off {off:.0f} us")

        def plain() -> None:
            conn.execute("SELECT 1", prepare=True).fetchone()
            conn.commit()

        def pipelined() -> None:
            with conn.pipeline():
                cursor = conn.execute("SELECT 1", prepare=True)
            cursor.fetchone()
            conn.commit()

        print(
            f"a one-SELECT transaction: plain {median_us(plain, repeats):.0f} us, BEGIN "
            f"pipelined with the statement {median_us(pipelined, repeats):.0f} us"
        )
        conn.execute(f"DROP TABLE {table}")
        conn.commit()


def insert_figures(url: str, repeats: int) -> None:
    metadata = MetaData()
    table = Table(
        f"bench_events_{uuid.uuid4().hex[:8]}",
        metadata,
        Column("id", String, primary_key=True),
        Column("seq", Integer),
        Column("text", String),
        Column("data", JSON),
    )
    many = create_engine(url)
    values = create_engine(url)
    values.dialect.use_insertmanyvalues_wo_returning = True  # one INSERT, several rows
    metadata.create_all(many)

    def three_rows(engine: Engine) -> float:
        rows = [
            {"id": uuid.uuid4().hex, "seq": n, "text": "hello", "data": {"n": n}} for n in range(3)
        ]
        with engine.begin() as conn:
            started = time.perf_counter()
            conn.execute(insert(table), rows)
            return time.perf_counter() - started

    try:
        print(
            f"three events inserted: executemany {median_us(lambda: three_rows(many), repeats):.0f}"
            f" us, one multi-row INSERT {median_us(lambda: three_rows(values), repeats):.0f} us"
        )
    finally:
        metadata.drop_all(many)
        many.dispose()
        values.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--database-url", default="postgresql+psycopg://postgres@127.0.0.1:5432/test"
    )
    parser.add_argument("--repeats", type=int, default=2000)
    args = parser.parse_args()
    conninfo = args.database_url.replace("postgresql+psycopg://", "postgresql://")
    driver_figures(conninfo, args.repeats)
    insert_figures(args.database_url, args.repeats)


if __name__ == "__main__":
    main()
