"""One settings object from RELAYDESK_* variables and a TOML file; SQLite in WAL mode."""

from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import ValidationError
from sqlalchemy import text

from relaydesk.settings import DEFAULT_SECRET, load_settings
from relaydesk.store.engine import make_engine


def test_a_toml_file_named_by_relaydesk_config_is_read_and_variables_win(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    config = tmp_path / "desk.toml"
    config.write_text('port = 9100\npack = "paylater"\ncors_origins = ["https://shop.example"]\n')
    monkeypatch.setenv("RELAYDESK_CONFIG", str(config))
    monkeypatch.delenv("RELAYDESK_PORT", raising=False)
    settings = load_settings()
    assert settings.port == 9100 and settings.cors_origins == ["https://shop.example"]
    monkeypatch.setenv("RELAYDESK_PORT", "9200")
    assert load_settings().port == 9200


def test_production_refuses_the_default_secrets(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("RELAYDESK_CONFIG", "/nonexistent/relaydesk.toml")
    with pytest.raises(ValidationError, match="RELAYDESK_SECRET_KEY must be set"):
        load_settings(environment="production")
    real = load_settings(environment="production", secret_key="s" * 32, identity_secret="i" * 32)
    assert real.secret_key != DEFAULT_SECRET


def test_sqlite_runs_in_wal_mode_with_foreign_keys(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'relaydesk.sqlite3'}")
    try:
        with engine.connect() as conn:
            assert conn.execute(text("PRAGMA journal_mode")).scalar() == "wal"
            assert conn.execute(text("PRAGMA foreign_keys")).scalar() == 1
    finally:
        engine.dispose()
