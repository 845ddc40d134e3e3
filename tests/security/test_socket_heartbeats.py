"""Idle websockets on a real server: heartbeats keep them open, silence closes them cleanly.

The heartbeat interval is a setting; these tests shorten it (0.05 s) so that minutes of
idleness carry thousands of heartbeats, while the store's own 5 s poll runs at full length.
"""

from __future__ import annotations

import asyncio
import json
import os
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
import websockets

from support.aio import run_isolated
from support.server import ServerProcess

HEARTBEAT_S = 0.05


@pytest.fixture
def server(tmp_path: Path) -> Iterator[ServerProcess]:
    process = ServerProcess(
        tmp_path,
        env={
            "RELAYDESK_ASSISTANT": "acknowledge",
            "RELAYDESK_WEBSOCKET_HEARTBEAT_S": str(HEARTBEAT_S),
            "RELAYDESK_WEBSOCKET_IDLE_TIMEOUT_S": "3",
        },
    )
    process.start()
    yield process
    process.stop()


def server_log(server: ServerProcess) -> str:
    return (server.data_dir / f"server-{server.port}.log").read_text()


@dataclass
class IdleRun:
    pings: int
    still_open: bool
    ack_after_idle: bool


async def open_conversation(base: str) -> str:
    async with httpx.AsyncClient(base_url=base) as client:
        started = (await client.post("/v1/conversations", json={})).json()
    cid, token = started["conversation"]["id"], started["token"]
    return f"{base.replace('http://', 'ws://')}/v1/conversations/{cid}/stream?token={token}"


async def stay_idle(base: str, seconds: float) -> IdleRun:
    """Answer every ping and send nothing else for `seconds`; then send one message."""
    stream = await open_conversation(base)
    pings = 0
    async with websockets.connect(stream) as socket:
        deadline = time.monotonic() + seconds
        while (left := deadline - time.monotonic()) > 0:
            try:
                frame = json.loads(await asyncio.wait_for(socket.recv(), left))
            except TimeoutError:
                break
            if frame["type"] == "ping":
                pings += 1
                await socket.send('{"type": "pong"}')
        message = {"type": "message", "text": "still there?", "idempotency_key": "k1"}
        await socket.send(json.dumps(message))
        acked = False
        while not acked:
            frame = json.loads(await asyncio.wait_for(socket.recv(), 10))
            acked = frame["type"] == "ack"
        return IdleRun(pings=pings, still_open=True, ack_after_idle=acked)


def assert_stayed_open(run: IdleRun, seconds: float) -> None:
    assert run.still_open and run.ack_after_idle
    # Far fewer than seconds / HEARTBEAT_S would mean the heartbeat stalled on a loaded CPU.
    assert run.pings >= seconds / HEARTBEAT_S / 4


def test_an_idle_customer_socket_outlives_several_store_polls_and_logs_no_traceback(
    server: ServerProcess,
) -> None:
    seconds = 16.0  # three of the stream's 5 s store polls, which used to close the socket
    run = run_isolated(stay_idle(server.url, seconds))
    assert_stayed_open(run, seconds)
    assert "Traceback" not in server_log(server)


@pytest.mark.long
def test_an_idle_customer_socket_stays_open_for_ten_minutes(server: ServerProcess) -> None:
    seconds = float(os.environ.get("RELAYDESK_IDLE_SOCKET_SECONDS", "600"))
    run = run_isolated(stay_idle(server.url, seconds))
    assert_stayed_open(run, seconds)
    assert "Traceback" not in server_log(server)


def test_a_socket_that_answers_no_heartbeat_is_closed_cleanly(server: ServerProcess) -> None:
    async def scenario() -> int | None:
        stream = await open_conversation(server.url)
        async with websockets.connect(stream) as socket:
            with pytest.raises(websockets.ConnectionClosed) as closed:
                while True:  # read, never answer
                    await asyncio.wait_for(socket.recv(), 10)
            return closed.value.rcvd.code if closed.value.rcvd else None

    assert run_isolated(scenario()) == 1001
    assert "Traceback" not in server_log(server)
