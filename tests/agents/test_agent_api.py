"""The agent and admin HTTP API: sign-in, authorization, claim, reply, hand back, approvals."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient
from starlette.websockets import WebSocketDisconnect

from agents.helpers import PASSWORD, escalate
from relaydesk.api.deps import Services
from relaydesk.domain.agents import AgentAccount, Role
from relaydesk.domain.model import ConversationId


def services_of(client: TestClient) -> Services:
    services: Services = client.app.state.services  # type: ignore[attr-defined]
    return services


def add_agent(client: TestClient, name: str, role: Role = Role.AGENT, **extra: Any) -> AgentAccount:
    return services_of(client).agents.add_agent(
        email=f"{name.lower()}@example.com",
        display_name=name,
        password=PASSWORD,
        role=role,
        **extra,
    )


def bearer(client: TestClient, name: str) -> dict[str, str]:
    """Sign in through the API and use the token, not the cookie."""
    response = client.post(
        "/v1/agent/login", json={"email": f"{name.lower()}@example.com", "password": PASSWORD}
    )
    assert response.status_code == 200, response.text
    client.cookies.clear()
    return {"Authorization": f"Bearer {response.json()['token']}"}


def customer_escalates(client: TestClient) -> tuple[str, dict[str, str]]:
    started = client.post("/v1/conversations", json={"display_name": "Ann"}).json()
    cid, auth = started["conversation"]["id"], {"Authorization": f"Bearer {started['token']}"}
    assert client.post(f"/v1/conversations/{cid}/escalate", headers=auth).status_code == 200
    services_of(client).routing.sync_queue()
    return cid, auth


def customer_sees(client: TestClient, cid: str, auth: dict[str, str]) -> list[dict[str, Any]]:
    events: list[dict[str, Any]] = client.get(
        f"/v1/conversations/{cid}/events", headers=auth
    ).json()["events"]
    return events


def test_signing_in_sets_an_http_only_same_site_cookie_that_is_secure_off_localhost(
    client: TestClient,
) -> None:
    add_agent(client, "Ann")
    body = {"email": "ann@example.com", "password": PASSWORD}
    local = client.post("/v1/agent/login", json=body).headers["set-cookie"].lower()
    assert "httponly" in local and "samesite=lax" in local and "secure" not in local
    remote = client.post("https://desk.example.com/v1/agent/login", json=body)
    cookie = remote.headers["set-cookie"].lower()
    assert "httponly" in cookie and "samesite=lax" in cookie and "; secure" in cookie


def test_a_wrong_password_or_unknown_email_gets_the_same_refusal(client: TestClient) -> None:
    add_agent(client, "Ann")
    wrong = client.post("/v1/agent/login", json={"email": "ann@example.com", "password": "nope"})
    unknown = client.post("/v1/agent/login", json={"email": "x@example.com", "password": "nope"})
    assert wrong.status_code == unknown.status_code == 401
    assert (
        wrong.json()
        == unknown.json()
        == {
            "code": "unauthorized",
            "message": "Wrong email or password.",
        }
    )


def test_a_customers_credentials_cannot_reach_agent_or_admin_endpoints(
    client: TestClient,
) -> None:
    cid, customer_auth = customer_escalates(client)
    token = customer_auth["Authorization"].removeprefix("Bearer ")
    attempts = [
        ("GET", "/v1/agent/queue"),
        ("GET", f"/v1/agent/conversations/{cid}"),
        ("POST", f"/v1/agent/conversations/{cid}/claim"),
        ("GET", "/v1/admin/agents"),
        ("POST", "/v1/agent/heartbeat"),
    ]
    for method, path in attempts:
        assert client.request(method, path, headers=customer_auth).status_code == 401
        client.cookies.set("relaydesk_agent", token)
        assert client.request(method, path).status_code == 401
        client.cookies.clear()
    assert client.get("/console/panel", headers=customer_auth).status_code == 401
    with (
        pytest.raises(WebSocketDisconnect),
        client.websocket_connect(
            f"/v1/agent/conversations/{cid}/stream", headers=customer_auth
        ) as socket,
    ):
        socket.receive_json()


def test_an_agent_cannot_read_conversations_outside_their_queue_or_assignments(
    client: TestClient,
) -> None:
    add_agent(client, "Holder")
    add_agent(client, "Other")
    add_agent(client, "Boss", role=Role.SUPERVISOR)
    holder, other, boss = bearer(client, "Holder"), bearer(client, "Other"), bearer(client, "Boss")
    cid, _ = customer_escalates(client)
    fraud = escalate(services_of(client).store, "sensitive_fraud", skill="fraud")
    services_of(client).routing.sync_queue()

    assert client.post(f"/v1/agent/conversations/{cid}/claim", headers=holder).status_code == 200
    for path in (f"/v1/agent/conversations/{cid}", f"/v1/agent/conversations/{cid}/events"):
        assert client.get(path, headers=holder).status_code == 200
        refused = client.get(path, headers=other)
        assert refused.status_code == 403 and refused.json()["code"] == "forbidden"
        assert client.get(path, headers=boss).status_code == 200
    assert client.get(f"/v1/agent/conversations/{fraud.id}", headers=other).status_code == 403
    queue = client.get("/v1/agent/queue", headers=other).json()
    assert fraud.id not in [item["conversation_id"] for item in queue]
    assert client.get(f"/v1/agent/conversations/{fraud.id}", headers=boss).status_code == 200
    reply = {"text": "I can help"}
    path = f"/v1/agent/conversations/{cid}/messages"
    assert client.post(path, json=reply, headers=other).status_code == 403


def test_cookie_authenticated_writes_need_the_csrf_token(client: TestClient) -> None:
    add_agent(client, "Ann")
    login = client.post(
        "/v1/agent/login", json={"email": "ann@example.com", "password": PASSWORD}
    ).json()
    forged = client.put("/v1/agent/presence", json={"status": "online"})
    assert forged.status_code == 401
    assert client.get("/v1/agent/me").json()["presence"] == "away"
    honest = client.put(
        "/v1/agent/presence",
        json={"status": "online"},
        headers={"X-CSRF-Token": login["csrf_token"]},
    )
    assert honest.status_code == 200 and honest.json()["presence"] == "online"


def test_an_agent_claims_replies_notes_and_hands_back_and_the_customer_sees_only_the_reply(
    client: TestClient,
) -> None:
    add_agent(client, "Maria")
    agent = bearer(client, "Maria")
    cid, customer = customer_escalates(client)
    queue = client.get("/v1/agent/queue", headers=agent).json()
    assert [item["conversation_id"] for item in queue] == [cid]
    claimed = client.post(f"/v1/agent/conversations/{cid}/claim", headers=agent).json()
    assert claimed["owner"] == "agent"
    base = f"/v1/agent/conversations/{cid}"
    sent = client.post(
        f"{base}/messages",
        json={"text": "Hi, Maria here"},
        headers={**agent, "Idempotency-Key": "r1"},
    )
    again = client.post(
        f"{base}/messages",
        json={"text": "Hi, Maria here"},
        headers={**agent, "Idempotency-Key": "r1"},
    )
    assert sent.json()["id"] == again.json()["id"]
    client.post(f"{base}/notes", json={"text": "refund looks legit"}, headers=agent)
    back = client.post(f"{base}/hand-back", json={"note": "done"}, headers=agent).json()
    assert back["owner"] == "assistant"

    seen = customer_sees(client, cid, customer)
    texts = [e["text"] for e in seen]
    assert texts.count("Hi, Maria here") == 1
    assert "refund looks legit" not in texts and "done" not in texts
    assert any(e["data"].get("agent_name") == "Maria" for e in seen)
    assert [e["data"]["transition"] for e in seen if e["kind"] == "owner_changed"] == [
        "escalate",
        "claim",
        "hand_back",
    ]
    answer = client.post(
        f"/v1/conversations/{cid}/messages",
        json={"text": "thanks!"},
        headers={**customer, "Idempotency-Key": "c1"},
    )
    assert answer.json()["replies"], "the assistant answers again after the hand-back"


def test_closing_records_the_disposition_and_the_customer_is_told(client: TestClient) -> None:
    add_agent(client, "Maria")
    agent = bearer(client, "Maria")
    cid, customer = customer_escalates(client)
    client.post(f"/v1/agent/conversations/{cid}/claim", headers=agent)
    closed = client.post(
        f"/v1/agent/conversations/{cid}/close", json={"disposition": "resolved"}, headers=agent
    )
    assert closed.json()["owner"] == "closed"
    assert client.get(f"/v1/agent/conversations/{cid}", headers=agent).status_code == 403
    last = customer_sees(client, cid, customer)[-1]
    assert last["data"]["to"] == "closed" and "disposition" not in last["data"]
    assert (
        services_of(client).store.events_after(ConversationId(cid), 0)[-1].data["disposition"]
        == "resolved"
    )


def test_only_administrators_manage_accounts_and_supervisors_see_the_team(
    client: TestClient,
) -> None:
    add_agent(client, "Plain")
    add_agent(client, "Boss", role=Role.SUPERVISOR)
    add_agent(client, "Root", role=Role.ADMIN)
    plain, boss, root = bearer(client, "Plain"), bearer(client, "Boss"), bearer(client, "Root")
    new = {"email": "new@example.com", "display_name": "New", "password": PASSWORD}
    assert client.post("/v1/admin/agents", json=new, headers=plain).status_code == 403
    assert client.post("/v1/admin/agents", json=new, headers=boss).status_code == 403
    assert client.get("/v1/admin/agents", headers=plain).status_code == 403
    assert len(client.get("/v1/admin/agents", headers=boss).json()) == 3
    created = client.post("/v1/admin/agents", json=new, headers=root)
    assert created.status_code == 201
    agent_id = created.json()["id"]
    new_login = bearer(client, "New")
    assert client.post(f"/v1/admin/agents/{agent_id}/disable", headers=root).status_code == 200
    assert client.get("/v1/agent/me", headers=new_login).status_code == 401


def test_a_person_approves_a_proposed_refund_once_and_the_customer_is_told(
    client: TestClient,
) -> None:
    add_agent(client, "Holder")
    add_agent(client, "Other")
    holder, other = bearer(client, "Holder"), bearer(client, "Other")
    cid, customer = customer_escalates(client)
    client.post(f"/v1/agent/conversations/{cid}/claim", headers=holder)
    approval_id = services_of(client).approvals.propose(
        ConversationId(cid),
        "refund_order",
        {"order_id": "ORD-1", "amount": 1249},
        "Refund 1,249 EUR",
    )
    assert [a["id"] for a in client.get("/v1/agent/approvals", headers=holder).json()] == [
        approval_id
    ]
    assert client.get("/v1/agent/approvals", headers=other).json() == []
    path = f"/v1/agent/approvals/{approval_id}"
    assert client.post(f"{path}/approve", json={}, headers=other).status_code == 403
    assert client.post(f"{path}/reject", json={"reason": " "}, headers=holder).status_code == 422
    approved = client.post(f"{path}/approve", json={}, headers=holder)
    assert approved.status_code == 200 and approved.json()["status"] == "approved"
    twice = client.post(f"{path}/approve", json={}, headers=holder)
    assert twice.status_code == 409 and twice.json()["code"] == "already_decided"
    assert any("approved" in (e["text"] or "") for e in customer_sees(client, cid, customer))


def test_agent_tools_say_clearly_when_none_are_available(client: TestClient) -> None:
    add_agent(client, "Maria")
    agent = bearer(client, "Maria")
    cid, _ = customer_escalates(client)
    client.post(f"/v1/agent/conversations/{cid}/claim", headers=agent)
    response = client.post(
        f"/v1/agent/conversations/{cid}/tools/refund_order", json={"params": {}}, headers=agent
    )
    assert response.status_code == 400 and response.json()["code"] == "tools_unavailable"


def test_the_agent_socket_streams_every_event_and_sends_replies(client: TestClient) -> None:
    add_agent(client, "Maria")
    agent = bearer(client, "Maria")
    cid, customer = customer_escalates(client)
    client.post(f"/v1/agent/conversations/{cid}/claim", headers=agent)
    with client.websocket_connect(f"/v1/agent/conversations/{cid}/stream", headers=agent) as socket:
        kinds = []
        while "claim" not in kinds:
            frame = socket.receive_json()
            kinds.append(frame["event"]["data"].get("transition", frame["event"]["kind"]))
        socket.send_json(
            {"type": "message", "text": "Hello from the socket", "idempotency_key": "s1"}
        )
        frames = [socket.receive_json() for _ in range(2)]
    assert {f["type"] for f in frames} == {"ack", "event"}
    assert "Hello from the socket" in [e["text"] for e in customer_sees(client, cid, customer)]


def test_the_agent_socket_refuses_pages_of_other_sites(client: TestClient) -> None:
    add_agent(client, "Maria")
    client.post("/v1/agent/login", json={"email": "maria@example.com", "password": PASSWORD})
    cid, _ = customer_escalates(client)
    with (
        pytest.raises(WebSocketDisconnect),
        client.websocket_connect(
            f"/v1/agent/conversations/{cid}/stream", headers={"Origin": "https://evil.example"}
        ) as socket,
    ):
        socket.receive_json()


def test_a_waiting_customer_leaves_an_email_and_stays_in_the_queue(client: TestClient) -> None:
    add_agent(client, "Boss", role=Role.SUPERVISOR)
    cid, customer = customer_escalates(client)
    path = f"/v1/conversations/{cid}/follow-up"
    assert client.post(path, json={"email": "not-an-email"}, headers=customer).status_code == 422
    left = client.post(path, json={"email": "ann@example.com"}, headers=customer)
    assert left.status_code == 200 and left.json()["owner"] == "queued"
    again = client.post(path, json={"email": "ann@example.com"}, headers=customer)
    assert again.status_code == 200
    seen = [e["text"] for e in customer_sees(client, cid, customer)]
    assert sum("by email at ann@example.com" in (text or "") for text in seen) == 1
    internal = client.get(f"/v1/agent/conversations/{cid}", headers=bearer(client, "Boss")).json()
    notes = [e for e in internal["events"] if e["kind"] == "note"]
    assert notes[0]["data"] == {"follow_up_email": "ann@example.com"}
    assert client.post(path, json={"email": "ann@example.com"}).status_code == 401
