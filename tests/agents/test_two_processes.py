"""Two server processes sharing one PostgreSQL and Redis: a customer connected to one is
served by an agent connected to the other, and a claim race across them has one winner.
"""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import httpx
import pytest
import websockets

from agents.helpers import FAST_HASHER, PASSWORD
from relaydesk.desk.agents import AgentDesk
from relaydesk.store.agents import AgentStore
from relaydesk.store.engine import make_engine
from support.aio import run_isolated
from support.server import ServerProcess
from support.services import REDIS_URL, postgres_schema, require_redis

pytestmark = [pytest.mark.postgres, pytest.mark.redis, pytest.mark.slow]

# Without Redis a notification would still arrive by the streamers' 5 s poll; this is faster.
REDIS_DELIVERY_SECONDS = 3.0


@pytest.fixture(scope="module")
def two_servers(
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[tuple[ServerProcess, ServerProcess, str]]:
    """Two servers on one fresh PostgreSQL schema and one Redis, shared by this module."""
    require_redis()
    tmp_path = tmp_path_factory.mktemp("two-servers")
    with postgres_schema() as url:
        env = {
            "RELAYDESK_DATABASE_URL": url,
            "RELAYDESK_REDIS_URL": REDIS_URL,
            "RELAYDESK_ASSISTANT": "acknowledge",
            "RELAYDESK_ENVIRONMENT": "test",
            "RELAYDESK_SECRET_KEY": "two-process-secret",
        }
        upgrade = subprocess.run(
            [sys.executable, "-m", "relaydesk", "db", "upgrade"],
            env={**os.environ, **env, "RELAYDESK_DATA_DIR": str(tmp_path)},
            capture_output=True,
            timeout=60,
        )
        assert upgrade.returncode == 0, upgrade.stderr
        servers = []
        for name in ("a", "b"):
            (tmp_path / name).mkdir()
            servers.append(ServerProcess(tmp_path / name, env=env))
        with ThreadPoolExecutor(2) as pool:
            list(pool.map(lambda server: server.start(timeout=60), servers))
        try:
            yield servers[0], servers[1], url
        finally:
            for server in servers:
                server.stop()


def add_agents(url: str, *names: str) -> None:
    engine = make_engine(url)
    desk = AgentDesk(AgentStore(engine), "two-process-secret", hasher=FAST_HASHER)
    for name in names:
        desk.add_agent(email=f"{name}@example.com", display_name=name.title(), password=PASSWORD)
    engine.dispose()


def sign_in(server: ServerProcess, name: str) -> dict[str, str]:
    body = {"email": f"{name}@example.com", "password": PASSWORD}
    token = httpx.post(f"{server.url}/v1/agent/login", json=body).json()["token"]
    return {"Authorization": f"Bearer {token}"}


def wait_in_queue(server: ServerProcess, agent: dict[str, str], cid: str) -> None:
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        queue = httpx.get(f"{server.url}/v1/agent/queue", headers=agent).json()
        if cid in [item["conversation_id"] for item in queue]:
            return
        time.sleep(0.2)
    raise AssertionError("The escalated conversation never reached the other process's queue.")


async def next_event(socket: Any, match: str) -> dict[str, Any]:
    while True:
        frame = json.loads(await asyncio.wait_for(socket.recv(), 10))
        if frame["type"] == "event" and frame["event"]["text"] == match:
            event: dict[str, Any] = frame["event"]
            return event


async def serve_across(customer_side: ServerProcess, agent_side: ServerProcess) -> None:
    agent = sign_in(agent_side, "maria")
    async with httpx.AsyncClient(base_url=customer_side.url) as client:
        started = (await client.post("/v1/conversations", json={"display_name": "Ann"})).json()
        cid, token = started["conversation"]["id"], started["token"]
        auth = {"Authorization": f"Bearer {token}"}
        customer_ws = customer_side.url.replace("http", "ws") + (
            f"/v1/conversations/{cid}/stream?token={token}"
        )
        async with websockets.connect(customer_ws) as customer:
            assert (await client.post(f"/v1/conversations/{cid}/escalate", headers=auth)).is_success
            await asyncio.to_thread(wait_in_queue, agent_side, agent, cid)
            claim = f"{agent_side.url}/v1/agent/conversations/{cid}/claim"
            assert (await asyncio.to_thread(httpx.post, claim, headers=agent)).is_success
            agent_ws = agent_side.url.replace("http", "ws") + (
                f"/v1/agent/conversations/{cid}/stream"
            )
            async with websockets.connect(agent_ws, additional_headers=agent) as desk:
                sent = time.monotonic()
                await desk.send(
                    json.dumps({"type": "message", "text": "Maria here", "idempotency_key": "a1"})
                )
                reply = await next_event(customer, "Maria here")
                assert time.monotonic() - sent < REDIS_DELIVERY_SECONDS
                assert reply["source"] == "agent" and reply["data"]["agent_name"] == "Maria"

                sent = time.monotonic()
                await customer.send(
                    json.dumps({"type": "message", "text": "Thank you!", "idempotency_key": "c1"})
                )
                heard = await next_event(desk, "Thank you!")
                assert time.monotonic() - sent < REDIS_DELIVERY_SECONDS
                assert heard["source"] == "customer"


def test_a_customer_on_one_process_is_served_by_an_agent_on_the_other(
    two_servers: tuple[ServerProcess, ServerProcess, str],
) -> None:
    first, second, url = two_servers
    add_agents(url, "maria")
    run_isolated(serve_across(first, second))


def test_a_claim_race_across_two_processes_has_exactly_one_winner(
    two_servers: tuple[ServerProcess, ServerProcess, str],
) -> None:
    first, second, url = two_servers
    add_agents(url, "ann", "bob")
    ann, bob = sign_in(first, "ann"), sign_in(second, "bob")
    conversations = []
    for _ in range(5):
        started = httpx.post(f"{first.url}/v1/conversations", json={}).json()
        cid = started["conversation"]["id"]
        auth = {"Authorization": f"Bearer {started['token']}"}
        httpx.post(f"{first.url}/v1/conversations/{cid}/escalate", headers=auth)
        conversations.append(cid)
    attempts = [
        (server, who, cid) for cid in conversations for server, who in ((first, ann), (second, bob))
    ]

    def claim(attempt: tuple[ServerProcess, dict[str, str], str]) -> int:
        server, who, cid = attempt
        return httpx.post(
            f"{server.url}/v1/agent/conversations/{cid}/claim", headers=who
        ).status_code

    with ThreadPoolExecutor(10) as pool:
        statuses = list(pool.map(claim, attempts))
    for index in range(0, len(statuses), 2):
        assert sorted(statuses[index : index + 2]) == [200, 409]
