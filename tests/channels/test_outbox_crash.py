"""The outbox across SIGKILLs of its sender: every email arrives, and arrives once."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

from relaydesk.channels.email.outbox import Outbox, queue_email
from relaydesk.store.engine import make_engine
from relaydesk.store.migrate import upgrade
from support.mail import PASSWORD, USERNAME, SmtpTestServer, smtp_server

EMAILS = 40


def sender_env(tmp_path: Path, server: SmtpTestServer) -> dict[str, str]:
    assert server.ca_file is not None
    return {
        **os.environ,
        "RELAYDESK_DATA_DIR": str(tmp_path),
        "RELAYDESK_EMAIL_ADDRESS": "support@shop.example",
        "RELAYDESK_SMTP_HOST": "127.0.0.1",
        "RELAYDESK_SMTP_PORT": str(server.port),
        "RELAYDESK_SMTP_SECURITY": "starttls",
        "RELAYDESK_SMTP_USERNAME": USERNAME,
        "RELAYDESK_SMTP_PASSWORD": PASSWORD,
        "RELAYDESK_CHANNEL_LEASE_S": "1",
        "RELAYDESK_EMAIL_TIMEOUT_S": "5",
        "SSL_CERT_FILE": str(server.ca_file),  # trust the test server's certificate
    }


def start_sender(env: dict[str, str], *options: str) -> subprocess.Popen[bytes]:
    command = [sys.executable, "-m", "relaydesk", "email", "send", *options]
    with open(Path(env["RELAYDESK_DATA_DIR"]) / "sender.log", "ab") as log:
        return subprocess.Popen(command, env=env, stdout=log, stderr=subprocess.STDOUT)


def kill_when_held(sender: subprocess.Popen[bytes], server: SmtpTestServer, at: int) -> None:
    """SIGKILL the sender while the server holds its MAIL command for email number `at`."""
    recorder = server.recorder
    recorder.held.clear()
    recorder.release.clear()
    recorder.hold_at = at
    assert recorder.held.wait(60), "the sender never reached the held message"
    sender.send_signal(signal.SIGKILL)
    sender.wait(10)
    recorder.release.set()


def test_a_sender_killed_twice_mid_batch_delivers_every_email_exactly_once(
    tmp_path: Path,
) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'relaydesk.sqlite3'}")
    upgrade(engine)
    with engine.begin() as conn:
        queued = [
            queue_email(
                conn,
                message_id=f"<crash-{n}@shop.example>",
                recipient=f"customer{n}@mail.example",
                subject=f"Your answer {n}",
                body_text=f"Hello,\n\nAnswer number {n}.\n",
                headers={},
            )
            for n in range(EMAILS)
        ]
    with smtp_server(tmp_path, starttls=True) as server:
        env = sender_env(tmp_path, server)
        kill_when_held(start_sender(env), server, at=12)
        kill_when_held(start_sender(env), server, at=server.recorder.mail_commands + 9)
        finished = start_sender(env, "--until-empty")
        assert finished.wait(120) == 0, (tmp_path / "sender.log").read_text()
        arrived = server.recorder.message_ids()

    assert len(server.recorder.messages) >= 20  # both kills really were mid-batch
    assert sorted(arrived) == sorted(f"<crash-{n}@shop.example>" for n in range(EMAILS))
    assert {email.status for email in Outbox(engine).list()} == {"sent"}
    assert len(queued) == EMAILS
    engine.dispose()
