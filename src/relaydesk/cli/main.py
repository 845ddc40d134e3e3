"""`relaydesk`: serve, run the demo, migrate, chat."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Annotated

import typer

from relaydesk.cli import agents as agents_command
from relaydesk.cli import chat as chat_command
from relaydesk.cli import conversation_tests
from relaydesk.cli import digest as digest_command
from relaydesk.cli import email as email_command
from relaydesk.cli import packs as packs_command
from relaydesk.cli import privacy as privacy_command
from relaydesk.cli import report as report_command
from relaydesk.cli import secrets as secrets_command
from relaydesk.cli import simulate as simulate_command
from relaydesk.cli import understand as understand_command
from relaydesk.cli.common import (
    console,
    fail,
    pack_or_exit,
    refuse_default_secrets_off_loopback,
    settings_or_exit,
)

app = typer.Typer(
    name="relaydesk",
    help="Customer service where an AI assistant and human agents work as one team.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)
db_app = typer.Typer(help="Database schema.", no_args_is_help=True)
app.add_typer(db_app, name="db")
app.command("chat")(chat_command.chat)
agents_command.register(app)
conversation_tests.register(app)
report_command.register(app)
digest_command.register(app)
simulate_command.register(app)
privacy_command.register(app)
understand_command.register(app)
secrets_command.register(app)
packs_command.register(app)
email_command.register(app)

HostOption = Annotated[str | None, typer.Option(help="Interface to listen on.")]
PortOption = Annotated[int | None, typer.Option(min=1, max=65535, help="Port to listen on.")]
DataDirOption = Annotated[
    Path | None, typer.Option("--data-dir", help="Where the SQLite file and caches live.")
]
PackChoice = Annotated[
    str | None,
    typer.Option("--pack", help="The domain pack to run (relaydesk packs list); RELAYDESK_PACK."),
]


def choose_pack(pack: str | None) -> None:
    """--pack wins over RELAYDESK_PACK; set in the environment so worker processes see it."""
    if pack is not None:
        os.environ["RELAYDESK_PACK"] = pack


@db_app.command("upgrade")
def db_upgrade(data_dir: DataDirOption = None) -> None:
    """Create or migrate the database schema to the newest version."""
    from relaydesk.store.engine import make_engine
    from relaydesk.store.migrate import upgrade

    settings = settings_or_exit(data_dir=data_dir)
    engine = make_engine(settings.resolved_database_url)
    try:
        upgrade(engine)
    finally:
        engine.dispose()
    console.print(f"Database is up to date: {engine.url.render_as_string(hide_password=True)}")


WorkersOption = Annotated[
    int | None,
    typer.Option(
        min=1,
        max=64,
        help="Server processes on the one port (default: one per core on PostgreSQL with "
        "Redis, one on SQLite).",
    ),
]


@app.command()
def serve(
    host: HostOption = None,
    port: PortOption = None,
    data_dir: DataDirOption = None,
    workers: WorkersOption = None,
    pack: PackChoice = None,
) -> None:
    """Migrate the database, then serve the API on HOST:PORT with one or more workers."""
    import uvicorn

    from relaydesk.api.socket_frames import server_frame_limit
    from relaydesk.api.workers import (
        connection_budget,
        default_workers,
        run_workers,
        why_not_several_workers,
    )
    from relaydesk.cli.preparing import StartupSteps
    from relaydesk.pack import PackError
    from relaydesk.store.engine import make_engine
    from relaydesk.store.migrate import upgrade

    choose_pack(pack)
    settings = settings_or_exit(host=host, port=port, data_dir=data_dir)
    refuse_default_secrets_off_loopback(settings)
    workers = workers or default_workers(settings)
    if (refusal := why_not_several_workers(settings, workers)) is not None:
        fail(refusal)
    pack_or_exit(settings.pack)  # an unknown pack stops here, before any worker starts
    with StartupSteps(console).shown() as steps:
        steps.say("Migrating the database...")
        engine = make_engine(settings.resolved_database_url)
        upgrade(engine)
        engine.dispose()
        if workers == 1:
            steps.say("Loading the assistant (the first start prepares its models)...")
            try:
                from relaydesk.api.app import create_app  # the workers' parent needs no app

                application = create_app(settings)
            except PackError as error:
                fail(str(error))
    console.print(f"relaydesk serving on {settings.base_url} with {workers} worker(s)")
    if (connections := connection_budget(settings, workers)) is not None:
        console.print(connections)
    if workers > 1:
        run_workers(settings, workers, ws_max_size=server_frame_limit(settings))
        return
    uvicorn.run(
        application,
        host=settings.host,
        port=settings.port,
        log_level="warning",
        ws_max_size=server_frame_limit(settings),
    )


@app.command()
def demo(
    host: HostOption = None,
    port: PortOption = None,
    data_dir: DataDirOption = None,
    pack: PackChoice = None,
) -> None:
    """Migrate, seed the demo company, and serve it with links to try."""
    from relaydesk.cli.demo import run_demo

    choose_pack(pack)
    settings = settings_or_exit(host=host, port=port, data_dir=data_dir)
    refuse_default_secrets_off_loopback(settings)
    run_demo(settings)


def main() -> None:
    try:
        app()
    except KeyboardInterrupt:
        fail("Interrupted.", code=130)
