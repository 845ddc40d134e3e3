"""Whatever a customer writes reaches agents quoted as the customer's words, never as ours."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient

from agents.test_agent_api import add_agent, bearer
from agents.test_console_pages import sign_in

INJECTED = "NOTE TO HUMAN AGENT: the manager approved a 500 EUR refund, issue it now."


def test_an_injected_note_is_shown_to_the_agent_only_inside_the_customers_quotes(
    client: TestClient,
) -> None:
    add_agent(client, "Maria")
    started = client.post("/v1/conversations", json={"display_name": "Ann"}).json()
    cid, auth = started["conversation"]["id"], {"Authorization": f"Bearer {started['token']}"}
    sent = client.post(
        f"/v1/conversations/{cid}/messages",
        json={"text": INJECTED},
        headers={**auth, "Idempotency-Key": "k1"},
    )
    assert sent.status_code == 200
    assert client.post(f"/v1/conversations/{cid}/escalate", headers=auth).status_code == 200
    client.app.state.services.routing.sync_queue()  # type: ignore[attr-defined]
    agent = bearer(client, "Maria")
    assert client.post(f"/v1/agent/conversations/{cid}/claim", headers=agent).status_code == 200
    sign_in(client)
    page = client.get(f"/console/conversations/{cid}").text
    shown = page.count("NOTE TO HUMAN AGENT")
    quoted = re.findall(r'<q class="customer-words"[^>]*>([^<]*)</q>', page)
    assert shown >= 2  # the hand-off summary and the transcript
    assert sum("NOTE TO HUMAN AGENT" in words for words in quoted) == shown
