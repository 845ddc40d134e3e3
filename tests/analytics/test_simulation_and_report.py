"""A small simulation against a real server: the dashboard API, `relaydesk report`, /metrics."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pytest
from sqlalchemy import func, select
from typer.testing import CliRunner

from analytics.simulated import (
    AGENT_EMAIL,
    IDENTITY_SECRET,
    METRICS_TOKEN,
    PASSWORD,
    SUPERVISOR_EMAIL,
    SimulatedServer,
    simulated_server,
)
from relaydesk.cli.main import app
from relaydesk.store.engine import make_engine
from relaydesk.store.tables import conversations


@pytest.fixture(scope="module")
def simulated(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SimulatedServer]:
    with simulated_server(tmp_path_factory.mktemp("simulated")) as running:
        yield running


def _login(server: SimulatedServer, email: str) -> dict[str, str]:
    found = httpx.post(
        f"{server.url}/v1/agent/login", json={"email": email, "password": PASSWORD}
    ).json()
    return {"Authorization": f"Bearer {found['token']}"}


def _window() -> dict[str, str]:
    now = datetime.now(UTC).replace(microsecond=0)
    return {
        "since": (now - timedelta(days=8)).isoformat(),
        "until": now.isoformat(),
    }


def test_the_simulation_spreads_its_conversations_over_the_simulated_days(
    simulated: SimulatedServer,
) -> None:
    engine = make_engine(simulated.database_url)
    try:
        with engine.connect() as conn:
            first, last = conn.execute(
                select(func.min(conversations.c.created_at), func.max(conversations.c.created_at))
            ).one()
    finally:
        engine.dispose()
    assert last - first > timedelta(days=4)
    assert simulated.summary.outcomes["agent"] > 0
    assert simulated.summary.outcomes["assistant"] > 0
    assert simulated.summary.outcomes["error"] == 0, simulated.summary.errors


def test_the_report_command_prints_the_same_numbers_as_the_dashboard_api(
    simulated: SimulatedServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    window = _window()
    shown = httpx.get(
        f"{simulated.url}/v1/dashboard/report",
        params=window,
        headers=_login(simulated, SUPERVISOR_EMAIL),
    )
    assert shown.status_code == 200
    monkeypatch.setenv("RELAYDESK_DATABASE_URL", simulated.database_url)
    printed = CliRunner().invoke(
        app,
        ["report", "--since", window["since"], "--until", window["until"], "--format", "json"],
    )
    assert printed.exit_code == 0, printed.output
    reported = json.loads(printed.output)
    dashboard = shown.json()
    assert reported["metrics"] == dashboard["metrics"]
    assert reported["tables"] == dashboard["tables"]
    values = {m["key"]: m["value"] for m in reported["metrics"]}
    assert values["conversations"] >= 40
    assert values["assistant_resolved"] > 0
    assert values["human_involved"] > 0


def test_the_report_table_output_names_every_metric(
    simulated: SimulatedServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("RELAYDESK_DATABASE_URL", simulated.database_url)
    monkeypatch.setenv("COLUMNS", "160")
    printed = CliRunner().invoke(app, ["report", "--since", "8d"])
    assert printed.exit_code == 0, printed.output
    for label in ("Assistant-resolved share", "Repeat-inquiry rate", "Full-time equivalents"):
        assert label in printed.output


def test_the_dashboard_exports_a_table_as_csv(simulated: SimulatedServer) -> None:
    params = {**_window(), "table": "handoff_reasons"}
    exported = httpx.get(
        f"{simulated.url}/v1/dashboard/report.csv",
        params=params,
        headers=_login(simulated, SUPERVISOR_EMAIL),
    )
    assert exported.status_code == 200
    assert exported.headers["content-type"].startswith("text/csv")
    assert exported.text.splitlines()[0] == "reason,hand_offs,share_pct"
    assert len(exported.text.splitlines()) > 1


def test_an_agent_who_is_not_a_supervisor_cannot_read_the_dashboard(
    simulated: SimulatedServer,
) -> None:
    refused = httpx.get(
        f"{simulated.url}/v1/dashboard/report", headers=_login(simulated, AGENT_EMAIL)
    )
    assert refused.status_code == 403
    assert refused.json()["code"] == "forbidden"


def test_a_malformed_period_is_refused_with_a_clear_message(simulated: SimulatedServer) -> None:
    refused = httpx.get(
        f"{simulated.url}/v1/dashboard/report",
        params={"since": "last tuesday"},
        headers=_login(simulated, SUPERVISOR_EMAIL),
    )
    assert refused.status_code == 422
    assert "7d" in refused.json()["message"]


def test_prometheus_metrics_show_requests_turns_queue_and_agents(
    simulated: SimulatedServer,
) -> None:
    assert httpx.get(f"{simulated.url}/metrics").status_code == 401
    scraped = httpx.get(
        f"{simulated.url}/metrics", headers={"Authorization": f"Bearer {METRICS_TOKEN}"}
    ).text
    assert 'relaydesk_http_request_duration_seconds_count{method="POST",route=' in scraped
    assert 'route="/v1/conversations/{conversation_id}/messages"' in scraped
    turns = next(
        line for line in scraped.splitlines()
        if line.startswith("relaydesk_assistant_turn_duration_seconds_count")
    )  # fmt: skip
    assert float(turns.split()[-1]) > 0
    assert "relaydesk_queue_length " in scraped
    assert "relaydesk_agents_online " in scraped
    assert "relaydesk_turn_slots 2.0" in scraped
    assert "relaydesk_turns_waiting_for_a_slot " in scraped


def test_report_with_an_unreadable_since_exits_2_with_one_sentence(tmp_path: Path) -> None:
    printed = CliRunner().invoke(app, ["report", "--since", "yesterday-ish"])
    assert printed.exit_code == 2
    assert "not a period like 7d" in printed.output


@pytest.mark.parametrize(
    ("option", "value", "sentence"),
    [
        ("--customers", "0", "--customers must be between 1 and 100000."),
        ("--days", "0", "--days must be between 1 and 90."),
        ("--url", "localhost:8000", "--url must start with http:// or https://."),
    ],
)
def test_simulate_with_a_bad_argument_exits_2_with_one_sentence(
    option: str, value: str, sentence: str
) -> None:
    printed = CliRunner().invoke(app, ["simulate", option, value])
    assert printed.exit_code == 2
    assert sentence in printed.output


def test_report_on_a_database_without_tables_says_what_to_run(tmp_path: Path) -> None:
    printed = CliRunner().invoke(app, ["report", "--data-dir", str(tmp_path / "empty")])
    assert printed.exit_code == 1
    assert "run relaydesk demo or db upgrade" in printed.output


def test_simulate_against_a_running_server_prints_what_happened(
    simulated: SimulatedServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("RELAYDESK_DATABASE_URL", simulated.database_url)
    monkeypatch.setenv("RELAYDESK_IDENTITY_SECRET", IDENTITY_SECRET)
    monkeypatch.setenv("COLUMNS", "160")
    printed = CliRunner().invoke(
        app, ["simulate", "--customers", "6", "--days", "2", "--url", simulated.url]
    )
    assert printed.exit_code == 0, printed.output
    assert "visits from" in printed.output
    assert "events re-timed" in printed.output
    assert "error" not in printed.output
