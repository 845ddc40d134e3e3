"""Protocol test of the wiring: settings switch the model on, /metrics counts its work."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import Engine

from llm.fake_openai import FakeOpenAI
from llm.test_llm_protocol import GROUNDED_ANSWER, LATE_FEES_QUESTION
from relaydesk.api.app import create_app
from relaydesk.assistant.engine import PackAssistant
from relaydesk.settings import Settings
from support.demo import assistant_on


def test_protocol_settings_turn_the_knowledge_role_on_and_metrics_count_it(
    demo_assistant: PackAssistant, backend: Engine, fake_openai: FakeOpenAI, tmp_path: Path
) -> None:
    settings = Settings(
        database_url=str(backend.url),
        data_dir=tmp_path,
        environment="test",
        llm_base_url=fake_openai.base_url,
        llm_model="fake",
        llm_knowledge=True,
        # Deadlines are not what this test is about; a loaded machine must not miss them.
        llm_first_token_s=10,
        llm_deadline_s=20,
        metrics_token="scrape",
    )
    fake_openai.script(GROUNDED_ANSWER)
    app = create_app(settings, assistant_on(demo_assistant, backend))
    with TestClient(app) as client:
        started = client.post("/v1/conversations", json={"display_name": "Ann"}).json()
        answer = client.post(
            f"/v1/conversations/{started['conversation']['id']}/messages",
            json={"text": LATE_FEES_QUESTION},
            headers={"Authorization": f"Bearer {started['token']}", "Idempotency-Key": "k1"},
        ).json()
        scraped = client.get("/metrics", headers={"Authorization": "Bearer scrape"}).text
    assert GROUNDED_ANSWER in str(answer)
    assert 'relaydesk_llm_calls_total{outcome="accepted",role="knowledge"} 1.0' in scraped
    assert 'relaydesk_llm_tokens_total{kind="prompt",role="knowledge"} 100.0' in scraped


def test_without_a_model_url_the_app_runs_the_embedded_assistant_alone(
    demo_assistant: PackAssistant, backend: Engine, tmp_path: Path
) -> None:
    settings = Settings(
        database_url=str(backend.url),
        data_dir=tmp_path,
        environment="test",
        llm_knowledge=True,
        metrics_token="scrape",
    )
    app = create_app(settings, assistant_on(demo_assistant, backend))
    assistant = app.state.services.conversations.assistant
    assert assistant.parts.llm is None
    scraped = TestClient(app).get("/metrics", headers={"Authorization": "Bearer scrape"})
    assert scraped.status_code == 200
    assert "relaydesk_llm" not in scraped.text


def is_stored_reply(frame: dict[str, Any]) -> bool:
    event = frame.get("event") or {}
    return event.get("source") == "assistant" and event.get("kind") == "message"


def stored_reply(frames: list[dict[str, Any]]) -> dict[str, Any] | None:
    return next((frame for frame in frames if is_stored_reply(frame)), None)


def test_protocol_the_customer_socket_shows_drafts_before_the_stored_reply(
    demo_assistant: PackAssistant, backend: Engine, fake_openai: FakeOpenAI, tmp_path: Path
) -> None:
    settings = Settings(
        database_url=str(backend.url),
        data_dir=tmp_path,
        environment="test",
        llm_base_url=fake_openai.base_url,
        llm_model="fake",
        llm_knowledge=True,
        # Deadlines are not what this test is about; a loaded machine must not miss them.
        llm_first_token_s=10,
        llm_deadline_s=20,
        metrics_token="scrape",
    )
    fake_openai.script(GROUNDED_ANSWER)
    app = create_app(settings, assistant_on(demo_assistant, backend))
    with TestClient(app) as client:
        started = client.post("/v1/conversations", json={"display_name": "Ann"}).json()
        cid, token = started["conversation"]["id"], started["token"]
        with client.websocket_connect(f"/v1/conversations/{cid}/stream?token={token}") as socket:
            frame = {"type": "message", "text": LATE_FEES_QUESTION, "idempotency_key": "k1"}
            socket.send_json(frame)
            frames: list[dict[str, Any]] = []
            # The ack follows the turn, but the drafts travel through the bus and may arrive
            # after it: read on until the stored reply too, which follows them.
            while not (any(f["type"] == "ack" for f in frames) and stored_reply(frames)):
                frames.append(socket.receive_json())
    shown = [f for f in frames if f["type"] == "draft" or is_stored_reply(f)]
    drafts = [str(f["text"]) for f in shown[: shown.index(stored_reply(frames))]]
    assert drafts and all(GROUNDED_ANSWER.startswith(text) for text in drafts)
