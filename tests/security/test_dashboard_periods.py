"""A report period the dashboard cannot cover is a 422 with a sentence, never a 500."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from argon2 import PasswordHasher
from fastapi.testclient import TestClient

from relaydesk.api.app import create_app
from relaydesk.assistant.turn import AcknowledgingAssistant
from relaydesk.domain.agents import Role
from relaydesk.settings import Settings
from relaydesk.store.engine import make_engine
from relaydesk.store.migrate import upgrade

PASSWORD = "correct horse battery"


@pytest.fixture
def supervisor(tmp_path: Path) -> Iterator[tuple[TestClient, dict[str, str]]]:
    url = f"sqlite:///{tmp_path / 'periods.sqlite3'}"
    engine = make_engine(url)
    upgrade(engine)
    engine.dispose()
    settings = Settings(database_url=url, data_dir=tmp_path, environment="test")
    app = create_app(settings, AcknowledgingAssistant())
    agents = app.state.services.agents
    agents.hasher = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
    agents.add_agent(
        email="sam@example.com", display_name="Sam", password=PASSWORD, role=Role.SUPERVISOR
    )
    with TestClient(app) as client:
        login = client.post(
            "/v1/agent/login", json={"email": "sam@example.com", "password": PASSWORD}
        )
        client.cookies.clear()
        yield client, {"Authorization": f"Bearer {login.json()['token']}"}


@pytest.mark.parametrize(
    ("since", "until", "said"),
    [
        ("2020-01-01", "9999-12-31", "outside the dates a report covers"),
        ("0001-01-01", None, "outside the dates a report covers"),
        ("1999-12-31", "2020-01-01", "outside the dates a report covers"),
        ("2024-05-01", "2024-04-01", "must start before it ends"),
        ("7d", "7d", "must start before it ends"),
    ],
)
@pytest.mark.parametrize("path", ["/v1/dashboard/report", "/v1/dashboard/report.csv"])
def test_a_period_the_report_cannot_cover_is_a_422_with_a_sentence(
    supervisor: tuple[TestClient, dict[str, str]],
    path: str,
    since: str,
    until: str | None,
    said: str,
) -> None:
    client, auth = supervisor
    params = {"since": since, **({"until": until} if until else {}), "table": "handoff_reasons"}
    refused = client.get(path, params=params, headers=auth)
    assert refused.status_code == 422
    assert refused.json()["code"] == "invalid_input"
    assert said in refused.json()["message"]


def test_a_period_within_the_range_is_reported(
    supervisor: tuple[TestClient, dict[str, str]],
) -> None:
    client, auth = supervisor
    params = {"since": "2020-01-01", "until": "2026-01-01"}
    assert client.get("/v1/dashboard/report", params=params, headers=auth).status_code == 200
