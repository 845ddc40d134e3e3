"""The web stack's floor: `GET /healthz` through the server's whole middleware, many at once,
with no assistant turn behind it; and what each HTTP client costs the load generator.

Usage: .venv/bin/python bench/http_floor.py --start postgres --workers 2 [--clients 16]
       [--seconds 10] [--rounds 3]

Starts `relaydesk serve` as bench/load.py does, then alternates rounds of aiohttp's and
httpx's async clients (httpx was the load generator's client before aiohttp). Prints
requests/s, the server's CPU a request and the client's CPU a request.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import time
from collections.abc import Awaitable, Callable
from pathlib import Path

import aiohttp
import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent))

from load_procs import server_cpu_seconds
from load_server import start_server

Get = Callable[[], Awaitable[None]]


async def hammer(get: Get, clients: int, seconds: float) -> int:
    """`clients` loops each sending the next request as soon as the last one is answered."""
    done = 0
    deadline = time.monotonic() + seconds

    async def one() -> None:
        nonlocal done
        while time.monotonic() < deadline:
            await get()
            done += 1

    await asyncio.gather(*(one() for _ in range(clients)))
    return done


async def with_aiohttp(url: str, clients: int, seconds: float) -> int:
    async with aiohttp.ClientSession(url, connector=aiohttp.TCPConnector(limit=512)) as session:

        async def get() -> None:
            async with session.get("/healthz") as response:
                response.raise_for_status()
                await response.read()

        return await hammer(get, clients, seconds)


async def with_httpx(url: str, clients: int, seconds: float) -> int:
    limits = httpx.Limits(max_connections=512, max_keepalive_connections=512)
    async with httpx.AsyncClient(base_url=url, limits=limits) as client:

        async def get() -> None:
            (await client.get("/healthz")).raise_for_status()

        return await hammer(get, clients, seconds)


CLIENTS = {"aiohttp": with_aiohttp, "httpx": with_httpx}


async def measure(args: argparse.Namespace, url: str, pid: int) -> None:
    for round_number in range(1, args.rounds + 1):
        for name, client in CLIENTS.items():
            load = Path("/proc/loadavg").read_text().split()[:3]
            server_before, client_before = server_cpu_seconds([pid]), time.process_time()
            started = time.perf_counter()
            requests = await client(url, args.clients, args.seconds)
            seconds = time.perf_counter() - started
            server = (server_cpu_seconds([pid]) or 0.0) - (server_before or 0.0)
            spent = time.process_time() - client_before
            print(
                f"round {round_number}, {name:7s}, load average {' '.join(load)}: "
                f"{requests / seconds:7.0f} requests/s  server CPU/request "
                f"{server / requests * 1000:.2f} ms  client CPU/request "
                f"{spent / requests * 1000:.2f} ms"
            )


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--start", choices=("sqlite", "postgres"), default="postgres")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument(
        "--database-url", default="postgresql+psycopg://postgres@127.0.0.1:5432/test"
    )
    parser.add_argument("--redis-url", default="redis://127.0.0.1:6379/0")
    return parser.parse_args()


def main() -> None:
    args = parse_args()
    server = start_server(
        args.start, args.workers, args.database_url, args.redis_url, "bench-identity-secret"
    )
    try:
        asyncio.run(measure(args, server.url, server.pid))
    finally:
        server.stop()


if __name__ == "__main__":
    main()
