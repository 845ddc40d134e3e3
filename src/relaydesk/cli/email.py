"""`relaydesk email send|check`: the outbox sender and a check of both mail servers."""

from __future__ import annotations

import signal
import threading
import time
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from relaydesk.cli.common import console, fail, settings_or_exit

if TYPE_CHECKING:
    from relaydesk.channels.email.sender import OutboxSender

DataDirOption = Annotated[
    Path | None, typer.Option("--data-dir", help="Where the SQLite file and caches live.")
]

email_app = typer.Typer(help="Email as a channel (docs/channels.md).", no_args_is_help=True)


def register(app: typer.Typer) -> None:
    app.add_typer(email_app, name="email")


@email_app.command("send")
def send(
    data_dir: DataDirOption = None,
    until_empty: Annotated[
        bool, typer.Option("--until-empty", help="Stop once nothing is due instead of waiting.")
    ] = False,
) -> None:
    """Send the outbox's queued emails (what `serve` does in the background)."""
    from relaydesk.channels.wiring import outbox_sender
    from relaydesk.store.engine import make_engine
    from relaydesk.store.migrate import upgrade

    settings = settings_or_exit(data_dir=data_dir)
    if not settings.email_sending:
        fail("Sending email needs RELAYDESK_SMTP_HOST and RELAYDESK_EMAIL_ADDRESS.")
    engine = make_engine(settings.resolved_database_url)
    try:
        upgrade(engine)
        sender = outbox_sender(settings, engine)
        if until_empty:
            console.print(f"Sent {_send_until_empty(sender)} emails.")
            return
        stop = threading.Event()
        signal.signal(signal.SIGTERM, lambda *_: stop.set())
        console.print("Sending the outbox; Ctrl-C stops.")
        try:
            sender.run(stop)
        except KeyboardInterrupt:
            stop.set()
    finally:
        engine.dispose()


def _send_until_empty(sender: OutboxSender) -> int:
    """Send until nothing waits: also what a crashed sender left leased, once its lease ends."""
    total = 0
    while True:
        sent = sender.send_due()
        total += sent
        if not sent and not sender.outbox.waiting():
            return total
        if not sent:
            time.sleep(0.5)


@email_app.command("check")
def check(data_dir: DataDirOption = None) -> None:
    """Connect to the SMTP and IMAP servers and say in one sentence what is wrong."""
    from relaydesk.channels.email.check import check_email

    settings = settings_or_exit(data_dir=data_dir)
    result = check_email(settings)
    if not settings.email_sending:
        fail(result.sentence)
    if not result.ok:
        fail(result.sentence, code=1)
    console.print(result.sentence)
