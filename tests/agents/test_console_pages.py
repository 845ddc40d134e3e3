"""The console's pages and forms over HTTP: sign-in CSRF, security headers, claim and reply."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient

from agents.helpers import PASSWORD
from agents.test_agent_api import add_agent, customer_escalates, customer_sees, services_of
from relaydesk.domain.agents import Role
from relaydesk.domain.model import ConversationId
from relaydesk.domain.payloads import CsatRated
from relaydesk.domain.turn_payloads import AssistantTurn


def form_token(html: str) -> str:
    found = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert found is not None
    return found.group(1)


def sign_in(client: TestClient, email: str = "maria@example.com") -> str:
    page = client.get("/console/login")
    response = client.post(
        "/console/login",
        data={"email": email, "password": PASSWORD, "csrf_token": form_token(page.text)},
        follow_redirects=False,
    )
    assert response.status_code == 303, response.text
    return form_token(client.get("/console").text)


def test_an_unsigned_visitor_is_sent_to_the_sign_in_page(client: TestClient) -> None:
    response = client.get("/console", follow_redirects=False)
    assert response.status_code == 303 and response.headers["location"] == "/console/login"
    login = client.get("/console/login")
    assert "frame-ancestors 'none'" in login.headers["content-security-policy"]
    assert login.headers["x-frame-options"] == "DENY"


def test_the_first_sign_in_page_says_how_to_create_the_first_account(client: TestClient) -> None:
    assert "relaydesk agents add" in client.get("/console/login").text
    add_agent(client, "Maria")
    assert "relaydesk agents add" not in client.get("/console/login").text


def test_the_sign_in_form_refuses_a_post_without_its_token(client: TestClient) -> None:
    add_agent(client, "Maria")
    client.get("/console/login")
    forged = client.post(
        "/console/login",
        data={"email": "maria@example.com", "password": PASSWORD, "csrf_token": "forged"},
    )
    assert forged.status_code == 400 and "expired" in forged.text
    assert "relaydesk_agent" not in client.cookies


def test_a_wrong_password_shows_the_form_again_with_a_sentence(client: TestClient) -> None:
    add_agent(client, "Maria")
    page = client.get("/console/login")
    response = client.post(
        "/console/login",
        data={
            "email": "maria@example.com",
            "password": "wrong",
            "csrf_token": form_token(page.text),
        },
    )
    assert response.status_code == 401 and "Wrong email or password." in response.text


def test_console_forms_without_the_session_csrf_token_change_nothing(client: TestClient) -> None:
    add_agent(client, "Maria")
    cid, _ = customer_escalates(client)
    sign_in(client)
    forged = client.post(f"/console/conversations/{cid}/claim", data={"csrf_token": "nope"})
    assert forged.status_code == 401
    assert services_of(client).store.get_conversation(ConversationId(cid)).owner.value == "queued"


def test_an_agent_claims_and_replies_through_the_console_forms(client: TestClient) -> None:
    add_agent(client, "Maria")
    cid, customer = customer_escalates(client)
    token = sign_in(client)
    home = client.get("/console").text
    assert f'data-conversation="{cid}"' in home
    claimed = client.post(f"/console/conversations/{cid}/claim", data={"csrf_token": token})
    assert claimed.status_code == 200 and "Send reply" in claimed.text
    client.post(
        f"/console/conversations/{cid}/reply",
        data={"csrf_token": token, "text": "Hello <b>Ann</b>", "idempotency_key": "f1"},
    )
    page = client.get(f"/console/conversations/{cid}").text
    assert "Hello &lt;b&gt;Ann&lt;/b&gt;" in page and "<b>Ann</b>" not in page
    assert "Hello <b>Ann</b>" in [e["text"] for e in customer_sees(client, cid, customer)]
    released = client.post(f"/console/conversations/{cid}/release", data={"csrf_token": token})
    assert released.status_code == 200
    assert services_of(client).store.get_conversation(ConversationId(cid)).owner.value == "queued"


def test_a_supervisor_sees_the_team_with_presence_and_load_and_an_agent_does_not(
    client: TestClient,
) -> None:
    add_agent(client, "Maria")
    add_agent(client, "Boss", role=Role.SUPERVISOR, skills=["fraud"])
    sign_in(client, "maria@example.com")
    assert "<h2>Team</h2>" not in client.get("/console/panel").text
    client.cookies.clear()
    sign_in(client, "boss@example.com")
    panel = client.get("/console/panel").text
    assert "<h2>Team</h2>" in panel and "Maria" in panel and "fraud" in panel


class RefundRunner:
    """An operator's tools as agents run them, reduced to one refund."""

    def run(
        self, conversation_id: str, tool: str, params: dict[str, object], agent_id: str
    ) -> dict[str, object]:
        return {"tool": tool, "status": "done", "decision": None, "result": {"refund_id": "RF-9"}}


def test_an_agent_runs_a_tool_from_the_console_and_sees_its_result(client: TestClient) -> None:
    add_agent(client, "Maria")
    services_of(client).agent_work.tools = RefundRunner()
    cid, _ = customer_escalates(client)
    token = sign_in(client)
    client.post(f"/console/conversations/{cid}/claim", data={"csrf_token": token})
    page = client.post(
        f"/console/conversations/{cid}/tool",
        data={"csrf_token": token, "tool": "refund_order", "params": '{"order_id": "ORD-1"}'},
    ).text
    assert "refund_order: done" in page and "RF-9" in page
    bad = client.post(
        f"/console/conversations/{cid}/tool",
        data={"csrf_token": token, "tool": "refund_order", "params": "[1]"},
    ).text
    assert "Tool parameters must be a JSON object." in bad


def test_the_timeline_says_what_the_assistant_understood_and_how_the_customer_rated(
    client: TestClient,
) -> None:
    add_agent(client, "Maria")
    cid, _ = customer_escalates(client)
    understood = AssistantTurn(intent="refund_status", confidence=0.9, frustration=0.3)
    rated = CsatRated(2, "slow")
    services_of(client).store.append(ConversationId(cid), [understood.event(), rated.event()])
    sign_in(client)
    page = client.get(f"/console/conversations/{cid}").text
    assert "understood: refund_status (0.9), frustration 0.3" in page
    assert "rated 2 of 5: slow" in page
