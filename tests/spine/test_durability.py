"""Crash tests against a real server process and a real SQLite file."""

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from support.server import ServerProcess


@pytest.fixture
def server(tmp_path: Path) -> Iterator[ServerProcess]:
    process = ServerProcess(tmp_path, env={"RELAYDESK_ASSISTANT": "acknowledge"})
    process.start()
    yield process
    process.stop()


def test_an_acknowledged_message_survives_sigkill_exactly_once(server: ServerProcess) -> None:
    started = httpx.post(f"{server.url}/v1/conversations", json={}).json()
    cid, token = started["conversation"]["id"], started["token"]
    auth = {"Authorization": f"Bearer {token}"}
    ack = httpx.post(
        f"{server.url}/v1/conversations/{cid}/messages",
        json={"text": "please remember me"},
        headers={**auth, "Idempotency-Key": "crash-1"},
    )
    assert ack.status_code == 200

    server.kill()
    server.start()

    retry = httpx.post(
        f"{server.url}/v1/conversations/{cid}/messages",
        json={"text": "please remember me"},
        headers={**auth, "Idempotency-Key": "crash-1"},
    )
    assert retry.json()["message"] == ack.json()["message"]
    events = httpx.get(f"{server.url}/v1/conversations/{cid}/events", headers=auth).json()
    texts = [e["text"] for e in events["events"] if e["source"] == "customer"]
    assert texts == ["please remember me"]
