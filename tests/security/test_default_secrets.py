"""The public default secrets never serve anyone but this machine, whatever the environment."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest
from typer.testing import CliRunner

from relaydesk.api.app import create_app
from relaydesk.assistant.turn import AcknowledgingAssistant
from relaydesk.cli.main import app as cli
from relaydesk.security.secrets import DefaultSecretsRefused, is_loopback
from relaydesk.settings import Settings

runner = CliRunner()


def settings_for(tmp_path: Path, **fields: object) -> Settings:
    return Settings(data_dir=tmp_path, **fields)  # type: ignore[arg-type]


@pytest.mark.parametrize("environment", ["development", "test"])
@pytest.mark.parametrize("host", ["0.0.0.0", "192.168.1.20", "::", "desk.example.com"])
def test_default_secrets_refuse_to_serve_beyond_loopback_in_any_environment(
    tmp_path: Path, environment: str, host: str
) -> None:
    with pytest.raises(DefaultSecretsRefused, match="relaydesk secrets generate"):
        create_app(settings_for(tmp_path, host=host, environment=environment))


def test_one_default_secret_is_enough_to_refuse(tmp_path: Path) -> None:
    settings = settings_for(tmp_path, host="0.0.0.0", secret_key="a-real-secret-value")
    with pytest.raises(DefaultSecretsRefused, match="RELAYDESK_IDENTITY_SECRET"):
        create_app(settings)


def test_serve_beyond_loopback_with_default_secrets_exits_2_with_a_sentence(
    tmp_path: Path,
) -> None:
    result = runner.invoke(cli, ["serve", "--host", "0.0.0.0", "--data-dir", str(tmp_path)])
    assert result.exit_code == 2
    assert "will not listen on 0.0.0.0" in result.output
    assert not (tmp_path / "relaydesk.sqlite3").exists()  # refused before anything opened


def test_loopback_with_default_secrets_serves_and_warns_loudly(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.WARNING, logger="relaydesk.security.secrets"):
        app = create_app(settings_for(tmp_path, host="127.0.0.1"), AcknowledgingAssistant())
    app.state.services.store.engine.dispose()
    warnings = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert any(m.startswith("INSECURE: RELAYDESK_SECRET_KEY and RELAYDESK_IDENTITY_SECRET")
               for m in warnings)


def test_real_secrets_serve_on_any_address_without_a_warning(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    settings = settings_for(
        tmp_path, host="0.0.0.0", secret_key="s" * 40, identity_secret="i" * 40
    )
    with caplog.at_level(logging.WARNING, logger="relaydesk.security.secrets"):
        app = create_app(settings, AcknowledgingAssistant())
    assert app.state.services.settings.host == "0.0.0.0"
    assert not caplog.records
    app.state.services.store.engine.dispose()


def test_secrets_generate_prints_fresh_values_each_time() -> None:
    first = runner.invoke(cli, ["secrets", "generate"])
    second = runner.invoke(cli, ["secrets", "generate"])
    assert first.exit_code == 0
    lines = dict(line.split("=", 1) for line in first.output.split())
    assert set(lines) == {
        "RELAYDESK_SECRET_KEY",
        "RELAYDESK_IDENTITY_SECRET",
        "RELAYDESK_METRICS_TOKEN",
    }
    assert all(len(value) >= 40 for value in lines.values())
    assert len(set(lines.values())) == 3
    assert set(lines.values()).isdisjoint(second.output.split("=")[1:])


@pytest.mark.parametrize(
    ("host", "loopback"),
    [("127.0.0.1", True), ("127.8.0.1", True), ("::1", True), ("[::1]", True),
     ("localhost", True), ("0.0.0.0", False), ("::", False), ("10.0.0.1", False),
     ("localhost.example.com", False)],
)
def test_only_addresses_this_machine_alone_reaches_count_as_loopback(
    host: str, loopback: bool
) -> None:
    assert is_loopback(host) is loopback
