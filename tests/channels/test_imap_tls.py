"""The mailbox over TLS: IMAPS and STARTTLS against dovecot with a certificate of its own;
a plain connection only to this machine or when the settings say the network is trusted."""

from __future__ import annotations

import ssl
from collections.abc import Iterator
from email.message import EmailMessage
from pathlib import Path

import pytest
from imapclient import IMAPClient
from pydantic import ValidationError
from typer.testing import CliRunner

from relaydesk.channels.email.check import imap_problem
from relaydesk.channels.email.imap import ImapMailbox, MailboxReader
from relaydesk.cli.main import app
from relaydesk.settings import Settings
from support.imap import ImapTestServer, imap_server
from support.mail import smtp_server


@pytest.fixture(scope="module")
def imap() -> Iterator[ImapTestServer]:
    with imap_server(tls=True) as server:
        yield server


def mailbox(imap: ImapTestServer, security: str, trusted: bool = True) -> ImapMailbox:
    port = imap.tls_port if security == "tls" else imap.port
    assert port is not None
    return ImapMailbox(
        "127.0.0.1", port, security, imap.username, imap.password, "INBOX", 10.0,
        tls_context=imap.client_context if trusted else None,
    )


def deliver(imap: ImapTestServer, subject: str) -> None:
    message = EmailMessage()
    message["From"], message["To"], message["Subject"] = "anna@mail.example", "s@x.example", subject
    message.set_content("Hello")
    assert imap.tls_port is not None
    with IMAPClient("127.0.0.1", port=imap.tls_port, ssl_context=imap.client_context) as client:
        client.login(imap.username, imap.password)
        client.append("INBOX", message.as_bytes())


@pytest.mark.parametrize("security", ["tls", "starttls"])
def test_new_mail_is_read_over_an_encrypted_connection(
    imap: ImapTestServer, security: str
) -> None:
    deliver(imap, f"Over {security}")
    taken: list[bytes] = []
    reader = MailboxReader(mailbox(imap, security), lambda raw: taken.append(raw) or "taken")
    client = reader.mailbox.connect()
    try:
        assert isinstance(client.socket(), ssl.SSLSocket)
        assert client.socket().version() in ("TLSv1.2", "TLSv1.3")  # type: ignore[attr-defined]
        assert reader.read_new(client) >= 1
    finally:
        client.logout()
    assert any(f"Subject: Over {security}".encode() in raw for raw in taken)


def test_a_certificate_nobody_vouches_for_is_refused_with_a_sentence(
    imap: ImapTestServer,
) -> None:
    problem, _idle = imap_problem(mailbox(imap, "tls", trusted=False))
    assert problem is not None and "certificate that is not trusted" in problem


def test_email_check_reads_over_imaps_trusting_the_systems_ca_file(
    imap: ImapTestServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert imap.ca_file is not None
    monkeypatch.chdir(tmp_path)
    with smtp_server(tmp_path) as smtp:
        for name, value in {
            "SSL_CERT_FILE": str(imap.ca_file),  # how an operator trusts a private CA
            "RELAYDESK_EMAIL_ADDRESS": "support@shop.example",
            "RELAYDESK_SMTP_HOST": "127.0.0.1",
            "RELAYDESK_SMTP_PORT": str(smtp.port),
            "RELAYDESK_SMTP_SECURITY": "none",
            "RELAYDESK_IMAP_HOST": "127.0.0.1",
            "RELAYDESK_IMAP_PORT": str(imap.tls_port),
            "RELAYDESK_IMAP_SECURITY": "tls",
            "RELAYDESK_IMAP_USERNAME": imap.username,
            "RELAYDESK_IMAP_PASSWORD": imap.password,
        }.items():
            monkeypatch.setenv(name, value)
        result = CliRunner().invoke(app, ["email", "check"])
    assert result.exit_code == 0, result.output
    said = " ".join(result.output.split())  # the console wraps long lines
    assert f"reading INBOX at 127.0.0.1:{imap.tls_port} (IDLE)" in said


@pytest.mark.parametrize("kind", ["imap", "smtp"])
def test_a_plain_connection_beyond_this_machine_needs_an_explicit_setting(kind: str) -> None:
    plain = {f"{kind}_host": "mail.example.net", f"{kind}_security": "none"}
    with pytest.raises(ValidationError, match="ALLOW_PLAINTEXT"):
        Settings(**plain)  # type: ignore[arg-type]
    assert Settings(**plain, email_allow_plaintext=True)  # type: ignore[arg-type]
    for host in ("127.0.0.1", "localhost", "::1"):
        assert Settings(**{**plain, f"{kind}_host": host})  # type: ignore[arg-type]
