"""A real SMTP server for tests (aiosmtpd), recording what it accepts, optionally with
STARTTLS and authentication, and able to hold a session at a chosen message."""

from __future__ import annotations

import asyncio
import email
import ssl
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from email.message import EmailMessage
from email.policy import default
from pathlib import Path
from typing import Any

from support.services import free_port

USERNAME = "relaydesk"
PASSWORD = "mail-secret"


@dataclass
class Recorder:
    """The aiosmtpd handler: keeps every accepted message; can stall one MAIL command."""

    messages: list[EmailMessage] = field(default_factory=list)
    mail_commands: int = 0
    hold_at: int | None = None
    held: threading.Event = field(default_factory=threading.Event)
    release: threading.Event = field(default_factory=threading.Event)
    refuse_next: list[str] = field(default_factory=list)

    async def handle_MAIL(
        self, server: Any, session: Any, envelope: Any, address: str, options: list[str]
    ) -> str:
        self.mail_commands += 1
        if self.mail_commands == self.hold_at:
            self.held.set()
            await asyncio.get_running_loop().run_in_executor(None, self.release.wait, 30)
        envelope.mail_from = address
        envelope.mail_options.extend(options)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        if self.refuse_next:
            return self.refuse_next.pop(0)
        message = email.message_from_bytes(envelope.content, policy=default)
        assert isinstance(message, EmailMessage)
        self.messages.append(message)
        return "250 Message accepted for delivery"

    def message_ids(self) -> list[str]:
        return [str(message["Message-ID"]) for message in self.messages]


@dataclass(frozen=True)
class SmtpTestServer:
    port: int
    recorder: Recorder
    ca_file: Path | None
    client_context: ssl.SSLContext | None


def _authenticate(server: Any, session: Any, envelope: Any, mechanism: str, data: Any) -> Any:
    from aiosmtpd.smtp import AuthResult, LoginPassword

    ok = isinstance(data, LoginPassword) and (data.login, data.password) == (
        USERNAME.encode(),
        PASSWORD.encode(),
    )
    return AuthResult(success=ok, handled=False)


@contextmanager
def smtp_server(tmp_path: Path, *, starttls: bool = False) -> Iterator[SmtpTestServer]:
    """An SMTP server on 127.0.0.1; with `starttls`, TLS upgrade and a login are required."""
    from aiosmtpd.controller import Controller

    recorder = Recorder()
    port = free_port()
    options: dict[str, Any] = {}
    ca_file = client_context = None
    if starttls:
        import trustme

        authority = trustme.CA()
        server_context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        authority.issue_cert("127.0.0.1", "localhost").configure_cert(server_context)
        client_context = ssl.create_default_context()
        authority.configure_trust(client_context)
        ca_file = tmp_path / "smtp-ca.pem"
        authority.cert_pem.write_to_path(str(ca_file))
        options = {
            "tls_context": server_context,
            "require_starttls": True,
            "authenticator": _authenticate,
            "auth_required": True,
            # smtplib tries LOGIN after a refused PLAIN; one refusal is enough here.
            "auth_exclude_mechanism": ["LOGIN"],
        }
    controller = Controller(recorder, hostname="127.0.0.1", port=port, **options)
    controller.start()
    try:
        yield SmtpTestServer(port, recorder, ca_file, client_context)
    finally:
        recorder.release.set()
        controller.stop()
