"""Two websocket clients on a real server; one drops and resumes from its cursor."""

import asyncio
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import websockets

from support.aio import run_isolated
from support.server import ServerProcess


@pytest.fixture
def server(tmp_path: Path) -> Iterator[ServerProcess]:
    process = ServerProcess(tmp_path, env={"RELAYDESK_ASSISTANT": "acknowledge"})
    process.start()
    yield process
    process.stop()


async def read_events(socket: Any, count: int) -> list[dict[str, Any]]:
    events: list[dict[str, Any]] = []
    while len(events) < count:
        frame = json.loads(await asyncio.wait_for(socket.recv(), 10))
        if frame["type"] == "event":
            events.append(frame["event"])
    return events


async def send_over_rest(client: httpx.AsyncClient, cid: str, token: str, text: str) -> None:
    response = await client.post(
        f"/v1/conversations/{cid}/messages",
        json={"text": text},
        headers={"Authorization": f"Bearer {token}", "Idempotency-Key": text},
    )
    assert response.status_code == 200


async def reconnect_scenario(base: str, abrupt: bool) -> None:
    ws_base = base.replace("http://", "ws://")
    async with httpx.AsyncClient(base_url=base) as client:
        started = (await client.post("/v1/conversations", json={})).json()
        cid, token = started["conversation"]["id"], started["token"]
        stream = f"{ws_base}/v1/conversations/{cid}/stream?token={token}"
        async with websockets.connect(stream) as steady:
            dropping = await websockets.connect(stream)
            await send_over_rest(client, cid, token, "first")
            seen = await read_events(dropping, 2)  # the message and its answer
            cursor = seen[-1]["seq"]
            if abrupt:  # the network goes: no closing handshake reaches the server
                dropping.transport.abort()
            else:
                await dropping.close()

            for text in ("second", "third"):
                await send_over_rest(client, cid, token, text)

            async with websockets.connect(f"{stream}&after={cursor}") as resumed:
                missed = await read_events(resumed, 4)
                await resumed.send(
                    json.dumps({"type": "message", "text": "fourth", "idempotency_key": "w4"})
                )
                live = await read_events(resumed, 2)
            everything = await read_events(steady, 8)

    assert [e["seq"] for e in missed] == [3, 4, 5, 6]
    assert [e["text"] for e in missed if e["source"] == "customer"] == ["second", "third"]
    assert [e["seq"] for e in live] == [7, 8]
    assert [e["seq"] for e in everything] == list(range(1, 9))
    assert len({e["id"] for e in seen + missed + live}) == 8


@pytest.mark.parametrize("abrupt", [False, True], ids=["closed", "dropped"])
def test_a_reconnecting_client_receives_every_missed_event_once_in_order(
    server: ServerProcess, abrupt: bool
) -> None:
    run_isolated(reconnect_scenario(server.url, abrupt))


def test_a_stream_without_the_conversation_token_is_refused(server: ServerProcess) -> None:
    async def scenario() -> None:
        ws = server.url.replace("http://", "ws://")
        with pytest.raises(websockets.InvalidStatus) as refused:
            await websockets.connect(f"{ws}/v1/conversations/conv_x/stream?token=bad")
        assert refused.value.response.status_code == 403

    run_isolated(scenario())
