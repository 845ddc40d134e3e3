from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from relaydesk.api.app import create_app
from relaydesk.api.customer_auth import identity_signature
from relaydesk.assistant.turn import AcknowledgingAssistant
from relaydesk.settings import Settings
from relaydesk.store.engine import make_engine
from relaydesk.store.migrate import upgrade


@pytest.fixture
def client(database_url: str, tmp_path: Path) -> Iterator[TestClient]:
    engine = make_engine(database_url)
    upgrade(engine)
    engine.dispose()
    settings = Settings(database_url=database_url, data_dir=tmp_path, environment="test")
    with TestClient(create_app(settings, AcknowledgingAssistant())) as test_client:
        yield test_client


def start(client: TestClient, **body: Any) -> tuple[str, dict[str, str]]:
    response = client.post("/v1/conversations", json=body)
    assert response.status_code == 201, response.text
    data = response.json()
    return data["conversation"]["id"], {"Authorization": f"Bearer {data['token']}"}


def send(client: TestClient, cid: str, auth: dict[str, str], text: Any, key: str) -> Any:
    return client.post(
        f"/v1/conversations/{cid}/messages",
        json={"text": text},
        headers={**auth, "Idempotency-Key": key},
    )


def test_a_retried_message_is_stored_once_and_answered_the_same(client: TestClient) -> None:
    cid, auth = start(client, display_name="Ann")
    first = send(client, cid, auth, "hello", "key-1")
    again = send(client, cid, auth, "hello", "key-1")
    assert first.status_code == again.status_code == 200
    assert first.json() == again.json()
    assert again.headers["Idempotent-Replayed"] == "true"
    events = client.get(f"/v1/conversations/{cid}/events", headers=auth).json()["events"]
    assert [e["text"] for e in events if e["source"] == "customer"] == ["hello"]
    assert len(first.json()["replies"]) == 1


def test_events_are_read_after_a_cursor(client: TestClient) -> None:
    cid, auth = start(client)
    send(client, cid, auth, "one", "k1")
    send(client, cid, auth, "two", "k2")
    page = client.get(f"/v1/conversations/{cid}/events?after=2", headers=auth).json()
    assert [e["text"] for e in page["events"] if e["source"] == "customer"] == ["two"]
    assert page["cursor"] == 4
    assert client.get(f"/v1/conversations/{cid}/events?after=4", headers=auth).json() == {
        "events": [],
        "cursor": 4,
    }


@pytest.mark.parametrize(
    ("text", "reason"),
    [("", "empty"), ("   \n\t", "empty"), ("x" * 4001, "longer than"), (42, "string")],
)
def test_bad_messages_get_a_clear_4xx_and_store_nothing(
    client: TestClient, text: Any, reason: str
) -> None:
    cid, auth = start(client)
    response = send(client, cid, auth, text, "k")
    assert response.status_code == 422
    assert response.json()["code"] == "invalid_input"
    assert reason in response.json()["message"]
    assert client.get(f"/v1/conversations/{cid}/events", headers=auth).json()["events"] == []


def test_malformed_json_is_refused_without_raw_exception_text(client: TestClient) -> None:
    cid, auth = start(client)
    response = client.post(
        f"/v1/conversations/{cid}/messages",
        content=b'{"text": ',
        headers={**auth, "Idempotency-Key": "k", "Content-Type": "application/json"},
    )
    assert response.status_code == 422
    assert response.json() == {
        "code": "invalid_input",
        "message": "The request body is not valid JSON.",
    }


def test_control_characters_are_removed_before_storing(client: TestClient) -> None:
    cid, auth = start(client)
    response = send(client, cid, auth, "hi\x00 there\x07", "k")
    assert response.status_code == 200
    assert response.json()["message"]["text"] == "hi there"


def test_a_message_needs_an_idempotency_key(client: TestClient) -> None:
    cid, auth = start(client)
    response = client.post(f"/v1/conversations/{cid}/messages", json={"text": "hi"}, headers=auth)
    assert response.status_code == 422
    assert "Idempotency-Key" in response.json()["message"]


def test_another_conversations_token_is_refused(client: TestClient) -> None:
    cid, _ = start(client)
    _, other_auth = start(client)
    response = client.get(f"/v1/conversations/{cid}/events", headers=other_auth)
    assert response.status_code == 401
    assert response.json()["code"] == "unauthorized"


def test_a_signed_in_customer_must_present_the_operators_signature(client: TestClient) -> None:
    refused = client.post(
        "/v1/conversations", json={"customer_ref": "cust-1", "customer_signature": "forged"}
    )
    assert refused.status_code == 401
    signature = identity_signature("change-me-in-production", "cust-1")
    accepted = client.post(
        "/v1/conversations", json={"customer_ref": "cust-1", "customer_signature": signature}
    )
    assert accepted.status_code == 201
    assert accepted.json()["verified"] is True


def test_an_unknown_route_and_bad_query_give_json_errors(client: TestClient) -> None:
    assert client.get("/nowhere").json()["code"] == "not_found"
    cid, auth = start(client)
    bad = client.get(f"/v1/conversations/{cid}/events?after=-1", headers=auth)
    assert bad.status_code == 422
    assert bad.json()["code"] == "invalid_input"


def test_the_openapi_document_is_served(client: TestClient) -> None:
    spec = client.get("/openapi.json").json()
    assert "/v1/conversations/{conversation_id}/messages" in spec["paths"]


def test_asking_for_a_person_queues_the_conversation_once(client: TestClient) -> None:
    cid, auth = start(client)
    first = client.post(f"/v1/conversations/{cid}/escalate", headers=auth)
    again = client.post(f"/v1/conversations/{cid}/escalate", headers=auth)
    assert first.json()["owner"] == again.json()["owner"] == "queued"
    events = client.get(f"/v1/conversations/{cid}/events", headers=auth).json()["events"]
    # The routing loop may already have told the customer their place in the queue.
    changes = [e["data"]["to"] for e in events if e["kind"] == "owner_changed"]
    assert changes == ["queued"]


def test_the_assistant_stays_silent_while_a_person_is_awaited(client: TestClient) -> None:
    cid, auth = start(client)
    client.post(f"/v1/conversations/{cid}/escalate", headers=auth)
    receipt = send(client, cid, auth, "hello?", "k")
    assert receipt.json()["replies"] == []


def test_a_customer_can_end_the_chat_and_writing_again_reopens_it(client: TestClient) -> None:
    cid, auth = start(client)
    assert client.post(f"/v1/conversations/{cid}/close", headers=auth).json()["owner"] == "closed"
    assert client.post(f"/v1/conversations/{cid}/close", headers=auth).json()["owner"] == "closed"
    send(client, cid, auth, "one more thing", "k")
    assert client.get(f"/v1/conversations/{cid}", headers=auth).json()["owner"] == "assistant"
