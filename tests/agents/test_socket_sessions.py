"""An agent's open socket lives only as long as their session and account do."""

from __future__ import annotations

import time
from typing import Any

import pytest
from fastapi.testclient import TestClient
from starlette.websockets import WebSocketDisconnect

from agents.test_agent_api import add_agent, bearer, customer_escalates, services_of
from relaydesk.domain.agents import Role


def held_socket(client: TestClient, name: str) -> tuple[str, dict[str, str], dict[str, str]]:
    """A conversation `name` has claimed, the agent's headers and the customer's."""
    agent = bearer(client, name)
    cid, customer = customer_escalates(client)
    assert client.post(f"/v1/agent/conversations/{cid}/claim", headers=agent).status_code == 200
    return cid, agent, customer


def seconds_until_closed(socket: Any) -> tuple[float, int]:
    started = time.monotonic()
    with pytest.raises(WebSocketDisconnect) as closed:
        while True:
            socket.receive_json()
    return time.monotonic() - started, closed.value.code


def test_disabling_an_account_closes_its_open_socket_within_a_second(client: TestClient) -> None:
    maria = add_agent(client, "Maria")
    add_agent(client, "Root", role=Role.ADMIN)
    cid, agent, _ = held_socket(client, "Maria")
    admin = bearer(client, "Root")
    with client.websocket_connect(f"/v1/agent/conversations/{cid}/stream", headers=agent) as ws:
        ws.receive_json()  # the stream is live
        disabled = client.post(f"/v1/admin/agents/{maria.id}/disable", headers=admin)
        assert disabled.status_code == 200
        waited, code = seconds_until_closed(ws)
    assert code == 1008
    assert waited < 1.0


def test_signing_out_closes_the_sessions_open_socket_within_a_second(client: TestClient) -> None:
    add_agent(client, "Maria")
    cid, agent, _ = held_socket(client, "Maria")
    with client.websocket_connect(f"/v1/agent/conversations/{cid}/stream", headers=agent) as ws:
        ws.receive_json()
        assert client.post("/v1/agent/logout", headers=agent).status_code == 204
        waited, code = seconds_until_closed(ws)
    assert code == 1008
    assert waited < 1.0


def test_a_reply_sent_after_the_account_is_disabled_never_reaches_the_customer(
    client: TestClient,
) -> None:
    maria = add_agent(client, "Maria")
    cid, agent, customer = held_socket(client, "Maria")
    with client.websocket_connect(f"/v1/agent/conversations/{cid}/stream", headers=agent) as ws:
        ws.receive_json()
        services_of(client).agents.set_active(maria.id, False)
        ws.send_json({"type": "message", "text": "Refund approved!", "idempotency_key": "k1"})
        _, code = seconds_until_closed(ws)
    assert code == 1008
    events = client.get(f"/v1/conversations/{cid}/events", headers=customer).json()["events"]
    assert "Refund approved!" not in [event["text"] for event in events]
