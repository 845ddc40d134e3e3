"""Typing over the sockets: the holding agent's signal reaches the customer's socket as a
transient frame; a supervisor reading along shows nothing and keeps their socket."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient

from agents.test_agent_api import add_agent, bearer, customer_escalates
from relaydesk.domain.agents import Role


def drain_until(socket: Any, transition: str) -> None:
    while True:
        frame = socket.receive_json()
        if frame.get("type") == "event" and frame["event"]["data"].get("transition") == transition:
            return


def test_the_customer_socket_receives_the_holding_agents_typing_only(client: TestClient) -> None:
    add_agent(client, "Maria")
    add_agent(client, "Boss", role=Role.SUPERVISOR)
    boss = bearer(client, "Boss")
    maria = bearer(client, "Maria")
    cid, customer = customer_escalates(client)
    assert client.post(f"/v1/agent/conversations/{cid}/claim", headers=maria).status_code == 200
    token = customer["Authorization"].removeprefix("Bearer ")
    agent_path = f"/v1/agent/conversations/{cid}/stream"
    with (
        client.websocket_connect(f"/v1/conversations/{cid}/stream?token={token}") as customer_ws,
        client.websocket_connect(agent_path, headers=maria) as holder,
        client.websocket_connect(agent_path, headers=boss) as reader,
    ):
        drain_until(customer_ws, "claim")
        drain_until(holder, "claim")
        drain_until(reader, "claim")

        reader.send_json({"type": "typing"})
        reader.send_json({"type": "bogus"})  # answered in order: the typing was handled first
        assert reader.receive_json()["type"] == "error"
        holder.send_json({"type": "typing"})
        assert customer_ws.receive_json() == {"type": "typing", "name": "Maria"}

        holder.send_json({"type": "message", "text": "Hello", "idempotency_key": "t1"})
        frame = customer_ws.receive_json()
        assert frame["type"] == "event" and frame["event"]["text"] == "Hello"
    texts = [
        e["text"]
        for e in client.get(f"/v1/conversations/{cid}/events", headers=customer).json()["events"]
    ]
    assert "Hello" in texts
