"""A webhook receiver on 127.0.0.1 gets every event of a conversation once, in order, signed,
although it was down while relaydesk itself was killed and restarted."""

from __future__ import annotations

import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from relaydesk.webhooks.signing import SIGNATURE_HEADER, verify
from support.receiver import WebhookReceiver
from support.server import ServerProcess

ADMIN = "admin@shop.example"
PASSWORD = "webhook-test-password"


@pytest.fixture
def server(tmp_path: Path) -> Iterator[ServerProcess]:
    process = ServerProcess(
        tmp_path,
        env={
            "RELAYDESK_ASSISTANT": "acknowledge",
            "RELAYDESK_RETRY_FIRST_DELAY_S": "0.2",
            "RELAYDESK_CHANNEL_LEASE_S": "2",
            "RELAYDESK_RATE_LIMIT_SESSION_PER_MINUTE": "0",
        },
    )
    add_admin(process)
    process.start()
    yield process
    process.stop()


def add_admin(process: ServerProcess) -> None:
    command = [sys.executable, "-m", "relaydesk", "agents", "add", ADMIN, "--role", "admin"]
    env = {**process.env, "RELAYDESK_AGENT_PASSWORD": PASSWORD}
    subprocess.run(command, env=env, check=True, capture_output=True, timeout=120)


def sign_in(server: ServerProcess) -> dict[str, str]:
    login = httpx.post(f"{server.url}/v1/agent/login", json={"email": ADMIN, "password": PASSWORD})
    return {"Authorization": f"Bearer {login.json()['token']}"}


def wait_for(received: list[object], count: int, timeout: float = 90.0) -> None:
    deadline = time.monotonic() + timeout
    while len(received) < count and time.monotonic() < deadline:
        time.sleep(0.1)


def test_every_event_arrives_once_in_order_signed_across_a_restart_while_the_receiver_is_down(
    server: ServerProcess,
) -> None:
    receiver = WebhookReceiver()
    receiver.start()
    agent = sign_in(server)
    hook = httpx.post(
        f"{server.url}/v1/admin/webhooks", json={"url": receiver.url}, headers=agent
    ).json()

    started = httpx.post(f"{server.url}/v1/conversations", json={}).json()
    cid = started["conversation"]["id"]
    customer = {"Authorization": f"Bearer {started['token']}"}
    said = httpx.post(
        f"{server.url}/v1/conversations/{cid}/messages",
        json={"text": "Where is my refund?"},
        headers={**customer, "Idempotency-Key": "m1"},
    )
    assert said.status_code == 200
    wait_for(receiver.received, 3)
    receiver.stop()  # the operator's system goes down

    httpx.post(f"{server.url}/v1/conversations/{cid}/escalate", headers=customer)
    conversation_url = f"{server.url}/v1/agent/conversations/{cid}"
    assert httpx.post(f"{conversation_url}/claim", headers=agent).status_code == 200
    httpx.post(f"{conversation_url}/messages", json={"text": "It left today."}, headers=agent)
    server.kill()  # and relaydesk crashes meanwhile
    server.start()
    agent = sign_in(server)
    closed = httpx.post(
        f"{conversation_url}/close", json={"disposition": "resolved"}, headers=agent
    )
    assert closed.status_code == 200
    rated = httpx.post(
        f"{server.url}/v1/conversations/{cid}/csat", json={"score": 4}, headers=customer
    )
    assert rated.status_code == 201

    receiver.start()  # back up: everything it missed arrives now
    try:
        wait_for(receiver.received, 8)
        time.sleep(1.0)  # and nothing more arrives after that
    finally:
        receiver.stop()
    payloads = [item.payload for item in receiver.received]
    assert [p["type"] for p in payloads] == [
        "conversation.started",
        "message.created",
        "message.created",
        "conversation.handed_off",
        "conversation.assigned",
        "message.created",
        "conversation.closed",
        "conversation.rated",
    ]
    assert len({p["id"] for p in payloads}) == len(payloads)
    assert {p["conversation_id"] for p in payloads} == {cid}
    for item in receiver.received:
        assert verify(hook["secret"], item.body, item.headers[SIGNATURE_HEADER])
    log = httpx.get(
        f"{server.url}/v1/admin/webhooks/deliveries",
        params={"conversation_id": cid},
        headers=agent,
    ).json()
    assert {entry["status"] for entry in log} == {"delivered"}
    assert max(entry["attempts"] for entry in log) > 1  # some waited for the receiver
