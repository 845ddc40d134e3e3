"""A whole app on a real SQLite file, with agents of every role signed in."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient

from agents.helpers import FAST_HASHER, PASSWORD
from relaydesk.api.app import create_app
from relaydesk.assistant.turn import AcknowledgingAssistant
from relaydesk.domain.agents import Role
from relaydesk.settings import Settings
from relaydesk.store.engine import make_engine
from relaydesk.store.migrate import upgrade

ROLES = {"agent": Role.AGENT, "supervisor": Role.SUPERVISOR, "admin": Role.ADMIN}


@contextmanager
def app_client(tmp_path: Path, **overrides: Any) -> Iterator[TestClient]:
    url = f"sqlite:///{tmp_path / 'relaydesk.sqlite3'}"
    engine = make_engine(url)
    upgrade(engine)
    engine.dispose()
    settings = Settings(
        database_url=url,
        data_dir=tmp_path,
        environment="test",
        assistant="acknowledge",
        **overrides,
    )
    app = create_app(settings, AcknowledgingAssistant())
    app.state.services.agents.hasher = FAST_HASHER
    with TestClient(app) as client:
        yield client


def sign_in_every_role(client: TestClient) -> dict[str, dict[str, str]]:
    """Bearer headers for an agent, a supervisor and an admin."""
    headers = {}
    for name, role in ROLES.items():
        client.app.state.services.agents.add_agent(  # type: ignore[attr-defined]
            email=f"{name}@example.com",
            display_name=name.title(),
            password=PASSWORD,
            role=role,
            skills=(),
            languages=(),
            capacity=3,
        )
        login = client.post(
            "/v1/agent/login", json={"email": f"{name}@example.com", "password": PASSWORD}
        )
        assert login.status_code == 200, login.text
        headers[name] = {"Authorization": f"Bearer {login.json()['token']}"}
        client.cookies.clear()
    return headers


def start_conversation(client: TestClient, **body: Any) -> tuple[str, dict[str, str]]:
    started = client.post("/v1/conversations", json={"display_name": "Ann", **body})
    assert started.status_code == 201, started.text
    payload = started.json()
    return payload["conversation"]["id"], {"Authorization": f"Bearer {payload['token']}"}
