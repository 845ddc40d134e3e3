"""CPU of one hand-over to a worker thread and back, on uvloop: anyio's (what Starlette's
`run_in_threadpool` uses) against asyncio's own executor.

Usage: .venv/bin/python bench/thread_hop.py [--hops 5000] [--repeats 3]
"""

from __future__ import annotations

import argparse
import asyncio
import contextvars
import functools
import statistics
import time
from collections.abc import Awaitable, Callable
from concurrent.futures import ThreadPoolExecutor

import uvloop
from starlette.concurrency import run_in_threadpool

_EXECUTOR = ThreadPoolExecutor(40)  # anyio's default number of worker threads


def same(value: int) -> int:
    return value


async def through_anyio(value: int) -> int:
    return await run_in_threadpool(same, value)


async def through_executor(value: int) -> int:
    call = functools.partial(contextvars.copy_context().run, same, value)
    return await asyncio.get_running_loop().run_in_executor(_EXECUTOR, call)


async def cpu_per_hop_us(hop: Callable[[int], Awaitable[int]], hops: int) -> float:
    for value in range(200):  # the threads started
        await hop(value)
    started = time.process_time()
    for value in range(hops):
        await hop(value)
    return (time.process_time() - started) / hops * 1e6


async def measure(hops: int, repeats: int) -> None:
    results: dict[str, list[float]] = {"anyio": [], "asyncio executor": []}
    for _ in range(repeats):  # alternated
        results["anyio"].append(await cpu_per_hop_us(through_anyio, hops))
        results["asyncio executor"].append(await cpu_per_hop_us(through_executor, hops))
    for name, values in results.items():
        print(f"{name}: {statistics.median(values):.0f} us of CPU a hop (median of {repeats})")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--hops", type=int, default=5000)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    uvloop.run(measure(args.hops, args.repeats))
    _EXECUTOR.shutdown()


if __name__ == "__main__":
    main()
