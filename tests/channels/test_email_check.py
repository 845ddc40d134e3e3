"""`relaydesk email check` says in one sentence what is wrong, against real servers."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from relaydesk.channels.email.check import check_email
from relaydesk.cli.main import app
from relaydesk.settings import Settings
from support.imap import ImapTestServer, imap_server
from support.mail import PASSWORD, USERNAME, SmtpTestServer, smtp_server
from support.services import free_port


@pytest.fixture
def smtp(tmp_path: Path) -> Iterator[SmtpTestServer]:
    with smtp_server(tmp_path, starttls=True) as server:
        yield server


@pytest.fixture
def imap() -> Iterator[ImapTestServer]:
    with imap_server() as server:
        yield server


def settings_for(smtp: SmtpTestServer, imap: ImapTestServer | None, **changes: object) -> Settings:
    values: dict[str, object] = {
        "email_address": "support@shop.example",
        "smtp_host": "127.0.0.1",
        "smtp_port": smtp.port,
        "smtp_security": "starttls",
        "smtp_username": USERNAME,
        "smtp_password": PASSWORD,
    }
    if imap is not None:
        values |= {
            "imap_host": "127.0.0.1",
            "imap_port": imap.port,
            "imap_security": "none",
            "imap_username": imap.username,
            "imap_password": imap.password,
        }
    return Settings(**(values | changes))  # type: ignore[arg-type]


def test_working_servers_are_described_in_one_sentence(
    smtp: SmtpTestServer, imap: ImapTestServer
) -> None:
    result = check_email(settings_for(smtp, imap), smtp_tls=smtp.client_context)
    assert result.ok
    assert result.sentence == (
        f"Email works: sending through 127.0.0.1:{smtp.port} (starttls); "
        f"reading INBOX at 127.0.0.1:{imap.port} (IDLE)."
    )


@pytest.mark.parametrize(
    ("changes", "sentence"),
    [
        ({"smtp_password": "wrong"}, "refused the username and password"),
        ({"smtp_security": "tls"}, "check RELAYDESK_SMTP_SECURITY and RELAYDESK_SMTP_PORT"),
        ({"imap_password": "wrong"}, "IMAP server at 127.0.0.1"),
        ({"imap_folder": "Support"}, "has no folder 'Support'"),
    ],
)
def test_each_problem_is_named_in_one_sentence(
    smtp: SmtpTestServer, imap: ImapTestServer, changes: dict[str, object], sentence: str
) -> None:
    result = check_email(settings_for(smtp, imap, **changes), smtp_tls=smtp.client_context)
    assert not result.ok
    assert sentence in result.sentence
    assert result.sentence.count(". ") == 0 and result.sentence.endswith(".")


def test_an_untrusted_certificate_and_a_closed_port_are_named(smtp: SmtpTestServer) -> None:
    untrusted = check_email(settings_for(smtp, None))
    assert "certificate that is not trusted" in untrusted.sentence
    closed = check_email(settings_for(smtp, None, smtp_port=free_port()))
    assert closed.sentence.startswith("Nothing answers at the SMTP server at 127.0.0.1:")


def test_the_command_exits_2_when_email_is_not_configured(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.chdir(tmp_path)
    for name in ("RELAYDESK_EMAIL_ADDRESS", "RELAYDESK_SMTP_HOST"):
        monkeypatch.delenv(name, raising=False)
    result = CliRunner().invoke(app, ["email", "check"])
    assert result.exit_code == 2
    assert "Email is not configured" in result.output


def test_the_command_exits_1_with_the_sentence_when_a_server_is_wrong(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("RELAYDESK_EMAIL_ADDRESS", "support@shop.example")
    monkeypatch.setenv("RELAYDESK_SMTP_HOST", "127.0.0.1")
    monkeypatch.setenv("RELAYDESK_SMTP_PORT", str(free_port()))
    result = CliRunner().invoke(app, ["email", "check"])
    assert result.exit_code == 1
    assert "Nothing answers at the SMTP server" in result.output
