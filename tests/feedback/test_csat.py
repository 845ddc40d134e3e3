"""A customer rates a closed conversation once: POST /v1/conversations/{id}/csat."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from relaydesk.api.app import create_app
from relaydesk.assistant.turn import AcknowledgingAssistant
from relaydesk.domain.model import ConversationId, EventKind, NewEvent, Source
from relaydesk.domain.ownership import Transition, apply_transition
from relaydesk.settings import Settings
from relaydesk.store.conversations import ConversationStore
from relaydesk.store.engine import make_engine
from relaydesk.store.migrate import upgrade


@pytest.fixture
def database_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'relaydesk.sqlite3'}"


@pytest.fixture
def client(database_url: str, tmp_path: Path) -> Iterator[TestClient]:
    engine = make_engine(database_url)
    upgrade(engine)
    engine.dispose()
    settings = Settings(database_url=database_url, data_dir=tmp_path, environment="test")
    with TestClient(create_app(settings, AcknowledgingAssistant())) as test_client:
        yield test_client


@pytest.fixture
def store(database_url: str) -> Iterator[ConversationStore]:
    engine = make_engine(database_url)
    yield ConversationStore(engine)
    engine.dispose()


def start(client: TestClient) -> tuple[str, dict[str, str]]:
    data = client.post("/v1/conversations", json={"display_name": "Ann"}).json()
    auth = {"Authorization": f"Bearer {data['token']}"}
    response = client.post(
        f"/v1/conversations/{data['conversation']['id']}/messages",
        json={"text": "hello"},
        headers={**auth, "Idempotency-Key": "k1"},
    )
    assert response.status_code == 200
    return data["conversation"]["id"], auth


def close(store: ConversationStore, cid: str) -> None:
    conversation = store.get_conversation(ConversationId(cid))
    change = apply_transition(conversation.owner, Transition.CLOSE)
    store.append(
        conversation.id,
        [
            NewEvent(
                kind=EventKind.OWNER_CHANGED,
                source=Source.SYSTEM,
                data={"transition": "close", "from": conversation.owner.value, "to": "closed"},
            )
        ],
        owner_change=(change, conversation.version),
    )


def test_a_rating_of_a_closed_conversation_is_stored_as_a_customer_signal(
    client: TestClient, store: ConversationStore
) -> None:
    cid, auth = start(client)
    close(store, cid)
    response = client.post(
        f"/v1/conversations/{cid}/csat",
        json={"score": 4, "comment": " Quick, thanks "},
        headers=auth,
    )
    assert response.status_code == 201, response.text
    assert response.json()["score"] == 4
    signals = [
        e for e in store.events_after(ConversationId(cid), 0) if e.kind is EventKind.CSAT_RATING
    ]
    assert [(s.source, s.data["csat"], s.data["comment"]) for s in signals] == [
        (Source.CUSTOMER, 4, "Quick, thanks")
    ]
    assert signals[0].data["closed_from"] == "assistant"


def test_a_close_is_rated_once_and_a_later_close_can_be_rated_again(
    client: TestClient, store: ConversationStore
) -> None:
    cid, auth = start(client)
    close(store, cid)
    url = f"/v1/conversations/{cid}/csat"
    assert client.post(url, json={"score": 5}, headers=auth).status_code == 201
    second = client.post(url, json={"score": 1}, headers=auth)
    assert second.status_code == 409
    assert second.json()["code"] == "conflict"
    client.post(
        f"/v1/conversations/{cid}/messages",
        json={"text": "one more thing"},
        headers={**auth, "Idempotency-Key": "k2"},
    )
    close(store, cid)
    assert client.post(url, json={"score": 3, "comment": None}, headers=auth).status_code == 201


@pytest.mark.parametrize("score", [0, 6, -1, "five", 4.5, None])
def test_a_rating_outside_one_to_five_is_refused(
    client: TestClient, store: ConversationStore, score: object
) -> None:
    cid, auth = start(client)
    close(store, cid)
    response = client.post(f"/v1/conversations/{cid}/csat", json={"score": score}, headers=auth)
    assert response.status_code == 422
    assert response.json()["code"] == "invalid_input"


def test_an_open_conversation_cannot_be_rated_yet(client: TestClient) -> None:
    cid, auth = start(client)
    response = client.post(f"/v1/conversations/{cid}/csat", json={"score": 5}, headers=auth)
    assert response.status_code == 409
    assert set(response.json()) == {"code", "message"}


def test_a_rating_needs_the_conversation_token(
    client: TestClient, store: ConversationStore
) -> None:
    cid, _auth = start(client)
    close(store, cid)
    response = client.post(
        f"/v1/conversations/{cid}/csat",
        json={"score": 5},
        headers={"Authorization": "Bearer not-the-token"},
    )
    assert response.status_code == 401
