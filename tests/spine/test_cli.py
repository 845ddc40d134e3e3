from pathlib import Path

import pytest
from sqlalchemy import inspect
from typer.testing import CliRunner

from relaydesk.cli.main import app
from relaydesk.store.engine import make_engine

runner = CliRunner()


def test_db_upgrade_creates_the_schema_in_the_data_directory(tmp_path: Path) -> None:
    result = runner.invoke(app, ["db", "upgrade", "--data-dir", str(tmp_path)])
    assert result.exit_code == 0, result.output
    engine = make_engine(f"sqlite:///{tmp_path / 'relaydesk.sqlite3'}")
    assert {"conversations", "events", "customers"} <= set(inspect(engine).get_table_names())
    engine.dispose()


def test_an_unknown_option_exits_2() -> None:
    assert runner.invoke(app, ["serve", "--colour", "blue"]).exit_code == 2


def test_a_port_out_of_range_exits_2() -> None:
    assert runner.invoke(app, ["serve", "--port", "70000"]).exit_code == 2


def test_chat_with_a_malformed_url_exits_2_with_a_sentence() -> None:
    result = runner.invoke(app, ["chat", "--url", "ftp://example"])
    assert result.exit_code == 2
    assert "must start with http:// or https://" in result.output


def test_chat_without_a_server_exits_2_with_a_sentence() -> None:
    result = runner.invoke(app, ["chat", "--url", "http://127.0.0.1:9"])
    assert result.exit_code == 2
    assert "No relaydesk server answers" in result.output


def test_an_invalid_environment_setting_exits_2(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("RELAYDESK_ENVIRONMENT", "production")
    result = runner.invoke(app, ["chat"])
    assert result.exit_code == 2
    assert "must be set to a real secret" in result.output


def test_demo_with_an_unknown_pack_exits_2_naming_the_installed_ones(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("RELAYDESK_PACK", "paylater")  # restored after --pack changes it
    result = runner.invoke(app, ["demo", "--pack", "nosuch"])
    assert result.exit_code == 2
    assert "No pack named 'nosuch' is installed" in result.output
    assert "paylater" in result.output


def test_the_demo_banner_of_a_pack_without_a_shop_links_its_help_centre(
    capsys: pytest.CaptureFixture[str],
) -> None:
    from types import SimpleNamespace

    from relaydesk.cli.demo import print_links
    from relaydesk.settings import Settings

    print_links(Settings(port=8123), SimpleNamespace(demo=None))  # type: ignore[arg-type]
    printed = capsys.readouterr().out
    assert "http://127.0.0.1:8123/help" in printed and "/shop" not in printed
    assert "relaydesk chat --url http://127.0.0.1:8123\n" in printed
