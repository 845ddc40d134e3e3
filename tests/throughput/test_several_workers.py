"""Several server processes over one PostgreSQL and Redis: a customer whose requests land on
either process, with the websocket on the other, sees every event once and in order."""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import httpx
import pytest
import websockets
from typer.testing import CliRunner

from relaydesk.api.connection_recycling import RESPONSES_PER_CONNECTION
from relaydesk.cli.main import app
from support.aio import run_isolated
from support.server import ServerProcess
from support.services import REDIS_URL, postgres_schema, require_redis

pytestmark = [pytest.mark.postgres, pytest.mark.redis]
runner = CliRunner()
DELIVERY_SECONDS = 3.0  # by Redis; the streamers' own poll would take 5 s


def server_env(url: str) -> dict[str, str]:
    return {
        "RELAYDESK_DATABASE_URL": url,
        "RELAYDESK_REDIS_URL": REDIS_URL,
        "RELAYDESK_ASSISTANT": "acknowledge",
        "RELAYDESK_ENVIRONMENT": "test",
        "RELAYDESK_SECRET_KEY": "several-workers-secret",
    }


def migrate(url: str, data_dir: Path) -> None:
    upgrade = subprocess.run(
        [sys.executable, "-m", "relaydesk", "db", "upgrade"],
        env={**os.environ, **server_env(url), "RELAYDESK_DATA_DIR": str(data_dir)},
        capture_output=True,
        timeout=60,
    )
    assert upgrade.returncode == 0, upgrade.stderr


@pytest.fixture(scope="module")
def two_servers(tmp_path_factory: pytest.TempPathFactory) -> Iterator[list[ServerProcess]]:
    require_redis()
    tmp_path = tmp_path_factory.mktemp("alternating")
    with postgres_schema() as url:
        migrate(url, tmp_path)
        servers = [ServerProcess(tmp_path / name, env=server_env(url)) for name in ("a", "b")]
        try:
            for server in servers:
                server.data_dir.mkdir()
            with ThreadPoolExecutor(2) as pool:
                list(pool.map(lambda server: server.start(timeout=90), servers))
            yield servers
        finally:  # also when one failed to start, so no server outlives the test
            for server in servers:
                server.stop()


async def events_until(socket: Any, count: int) -> list[dict[str, Any]]:
    """Event frames from the socket until `count` arrived; fails if one takes too long."""
    received: list[dict[str, Any]] = []
    while len(received) < count:
        frame = json.loads(await asyncio.wait_for(socket.recv(), DELIVERY_SECONDS))
        if frame["type"] == "event":
            received.append(frame["event"])
    return received


def assert_once_and_in_order(events: list[dict[str, Any]], texts: list[str]) -> None:
    seqs = [event["seq"] for event in events]
    assert seqs == list(range(1, len(events) + 1)), "an event was lost, doubled or reordered"
    said = [event["text"] for event in events if event["source"] == "customer"]
    assert said == texts
    sources = [event["source"] for event in events]
    assert sources == ["customer", "assistant"] * len(texts), "every message has one reply"


async def alternate_between(first: ServerProcess, second: ServerProcess) -> None:
    servers = (first, second)
    texts = [f"message {number}" for number in range(8)]
    async with httpx.AsyncClient(timeout=10) as client:
        started = (await client.post(f"{first.url}/v1/conversations", json={})).json()
        cid, token = started["conversation"]["id"], started["token"]
        auth = {"Authorization": f"Bearer {token}"}
        stream = f"{second.url.replace('http', 'ws')}/v1/conversations/{cid}/stream?token={token}"
        async with websockets.connect(stream) as socket:
            for number, text in enumerate(texts[:-1]):
                server = servers[number % 2]  # even ones on the first process, odd on the second
                sent = await client.post(
                    f"{server.url}/v1/conversations/{cid}/messages",
                    json={"text": text},
                    headers={**auth, "Idempotency-Key": f"k{number}"},
                )
                assert sent.status_code == 200 and len(sent.json()["replies"]) == 1
                # Stored by either process, it reaches the socket on the second one promptly.
                await events_until(socket, 2)
            retried = await client.post(
                f"{second.url}/v1/conversations/{cid}/messages",
                json={"text": texts[2]},
                headers={**auth, "Idempotency-Key": "k2"},
            )
            assert retried.headers.get("Idempotent-Replayed") == "true"
            await socket.send(
                json.dumps({"type": "message", "text": texts[-1], "idempotency_key": "k7"})
            )
            assert [e["source"] for e in await events_until(socket, 2)] == ["customer", "assistant"]
        resumed = f"{first.url.replace('http', 'ws')}/v1/conversations/{cid}/stream?token={token}"
        async with websockets.connect(resumed) as socket:
            assert_once_and_in_order(await events_until(socket, 2 * len(texts)), texts)
        stored = await client.get(f"{second.url}/v1/conversations/{cid}/events", headers=auth)
        assert_once_and_in_order(stored.json()["events"], texts)


def test_a_customer_alternating_between_two_processes_loses_doubles_and_reorders_nothing(
    two_servers: list[ServerProcess],
) -> None:
    run_isolated(alternate_between(*two_servers))


def test_concurrent_customers_on_two_processes_each_get_every_reply_once(
    two_servers: list[ServerProcess],
) -> None:
    first, second = two_servers

    def converse(number: int) -> list[str]:
        home, other = (first, second) if number % 2 else (second, first)
        started = httpx.post(f"{home.url}/v1/conversations", json={}).json()
        cid, auth = started["conversation"]["id"], {"Authorization": f"Bearer {started['token']}"}
        for turn, server in enumerate((home, other, home)):
            httpx.post(
                f"{server.url}/v1/conversations/{cid}/messages",
                json={"text": f"{number}-{turn}"},
                headers={**auth, "Idempotency-Key": f"{number}-{turn}"},
            ).raise_for_status()
        events = httpx.get(f"{other.url}/v1/conversations/{cid}/events", headers=auth).json()
        return [event["source"] for event in events["events"]]

    with ThreadPoolExecutor(8) as pool:
        histories = list(pool.map(converse, range(16)))
    assert all(history == ["customer", "assistant"] * 3 for history in histories)


def child_pids(pid: int) -> list[int]:
    children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    return [int(child) for child in children]


@pytest.mark.slow
def test_serve_with_two_workers_runs_two_processes_on_one_port(tmp_path: Path) -> None:
    require_redis()
    with postgres_schema() as url:
        server = ServerProcess(tmp_path, env=server_env(url), serve_args=["--workers", "2"])
        server.start(timeout=90)
        try:
            assert server.process is not None
            assert len(child_pids(server.process.pid)) >= 2
            started = [httpx.post(f"{server.url}/v1/conversations", json={}) for _ in range(6)]
            assert all(response.status_code == 201 for response in started)
            # a kept-alive connection is closed now and then, so the workers' shares even out
            with httpx.Client(base_url=server.url) as client:
                replies = [client.get("/healthz") for _ in range(2 * RESPONSES_PER_CONNECTION)]
            assert all(reply.status_code == 200 for reply in replies)
            closed = [n for n, r in enumerate(replies, 1) if r.headers.get("connection") == "close"]
            assert closed == [RESPONSES_PER_CONNECTION, 2 * RESPONSES_PER_CONNECTION]
        finally:
            server.stop()


def test_serve_refuses_several_workers_on_sqlite_and_says_why(tmp_path: Path) -> None:
    result = runner.invoke(app, ["serve", "--workers", "2", "--data-dir", str(tmp_path)])
    assert result.exit_code == 2
    assert "need PostgreSQL and Redis" in result.output
    assert "single write lock" in result.output


def test_serve_refuses_several_workers_on_postgresql_without_redis(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("RELAYDESK_DATABASE_URL", "postgresql://nobody@127.0.0.1:9/none")
    monkeypatch.delenv("RELAYDESK_REDIS_URL", raising=False)
    result = runner.invoke(app, ["serve", "--workers", "3"])
    assert result.exit_code == 2
    assert "3 workers need Redis" in result.output
