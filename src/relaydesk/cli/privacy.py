"""`relaydesk privacy export|erase|compact|audit`: customers' data requests, from the CLI."""

from __future__ import annotations

import getpass
import json
import os
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from relaydesk.cli.common import console, fail, settings_or_exit
from relaydesk.domain.errors import DomainError

if TYPE_CHECKING:
    from sqlalchemy import Engine

    from relaydesk.security.privacy import Actor

DataDirOption = Annotated[
    Path | None, typer.Option("--data-dir", help="Where the SQLite file and caches live.")
]
CustomerArgument = Annotated[
    str, typer.Argument(help="The customer's id (cus_...) or your reference for them.")
]
OperatorOption = Annotated[
    str | None, typer.Option("--operator", help="Who asks, for the audit log (default: you).")
]


@contextmanager
def _engine(data_dir: Path | None) -> Iterator[Engine]:
    from relaydesk.store.engine import make_engine
    from relaydesk.store.migrate import upgrade

    settings = settings_or_exit(data_dir=data_dir)
    engine = make_engine(settings.resolved_database_url)
    try:
        upgrade(engine)
        yield engine
    finally:
        engine.dispose()


def _actor(operator: str | None) -> Actor:
    from relaydesk.security.privacy import Actor

    return Actor("operator", operator or getpass.getuser())


def write_private(path: Path, text: str) -> None:
    """Write a file only its owner can read (an export holds a customer's personal data)."""
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    os.fchmod(descriptor, 0o600)  # an existing file keeps its mode through O_CREAT
    with os.fdopen(descriptor, "w", encoding="utf-8") as file:
        file.write(text)


def export(
    customer: CustomerArgument,
    out: Annotated[
        Path | None, typer.Option("--out", help="Write the JSON here instead of stdout.")
    ] = None,
    operator: OperatorOption = None,
    data_dir: DataDirOption = None,
) -> None:
    """Everything relaydesk holds about a customer, as JSON (audited)."""
    from relaydesk.security.privacy import PrivacyDesk

    with _engine(data_dir) as engine:
        try:
            found = PrivacyDesk(engine).export(customer, _actor(operator))
        except DomainError as error:
            fail(error.message)
    text = json.dumps(found, indent=2, ensure_ascii=False, default=str)
    if out is None:
        typer.echo(text)
        return
    write_private(out, text + "\n")
    console.print(f"Wrote {len(found['events'])} events of {customer} to {out}.")


def erase(
    customer: CustomerArgument,
    yes: Annotated[bool, typer.Option("--yes", help="Do it without asking again.")] = False,
    compact: Annotated[
        bool,
        typer.Option(
            "--compact",
            help="On PostgreSQL, then rewrite the tables so no old row version keeps the "
            "originals (locks each table while it runs).",
        ),
    ] = False,
    operator: OperatorOption = None,
    data_dir: DataDirOption = None,
) -> None:
    """Redact a customer's personal data; conversations keep their structure (audited)."""
    from relaydesk.security.privacy import PrivacyDesk

    if not yes and not typer.confirm(f"Erase the personal data of {customer}?"):
        fail("Nothing erased.", code=1)
    with _engine(data_dir) as engine:
        try:
            report = PrivacyDesk(engine).erase(customer, _actor(operator), compact=compact)
        except DomainError as error:
            fail(error.message)
        postgres = engine.dialect.name == "postgresql"
    console.print(
        f"Erased {report.customer_id}: {report.conversations} conversations, "
        f"{report.events} events and {report.approvals} approvals redacted."
    )
    if postgres and not compact:
        console.print(
            "PostgreSQL keeps the old row versions in its files until the tables are "
            "rewritten: run `relaydesk privacy compact` (it locks each table while it runs)."
        )


def compact(data_dir: DataDirOption = None) -> None:
    """On PostgreSQL, rewrite the tables holding personal data (VACUUM FULL), so erased
    values leave their files; each table is locked while it is rewritten."""
    from relaydesk.security.privacy import PrivacyDesk

    with _engine(data_dir) as engine:
        tables = PrivacyDesk(engine).compact()
    if not tables:
        console.print("Nothing to do: SQLite zeroes what an erasure frees.")
        return
    console.print(f"Rewrote {len(tables)} tables: {', '.join(tables)}.")


def audit(
    hours: Annotated[int, typer.Option(min=1, help="How far back.")] = 24,
    limit: Annotated[int, typer.Option(min=1, max=10000)] = 200,
    data_dir: DataDirOption = None,
) -> None:
    """The audit trail as JSON lines: who did what, when, and the policy's decision."""
    from relaydesk.security.audit import AuditLog

    since = datetime.now(UTC) - timedelta(hours=hours)
    with _engine(data_dir) as engine:
        trail = AuditLog(engine).trail(since, limit)
    for entry in trail:
        typer.echo(json.dumps(entry.as_dict(), ensure_ascii=False, default=str))


def register(app: typer.Typer) -> None:
    """Add the `privacy` command group to the main CLI."""
    privacy_app = typer.Typer(help="Customers' data: export, erasure, audit.", no_args_is_help=True)
    privacy_app.command("export")(export)
    privacy_app.command("erase")(erase)
    privacy_app.command("compact")(compact)
    privacy_app.command("audit")(audit)
    app.add_typer(privacy_app, name="privacy")
