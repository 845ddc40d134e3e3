"""`relaydesk agents add|list|disable`: manage the people who answer customers."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from relaydesk.cli.common import console, fail, settings_or_exit
from relaydesk.domain.agents import Role
from relaydesk.domain.errors import DomainError

if TYPE_CHECKING:
    from relaydesk.desk.agents import AgentDesk

DataDirOption = Annotated[
    Path | None, typer.Option("--data-dir", help="Where the SQLite file and caches live.")
]


@contextmanager
def _agent_desk(data_dir: Path | None) -> Iterator[AgentDesk]:
    from relaydesk.desk.agents import AgentDesk
    from relaydesk.store.agents import AgentStore
    from relaydesk.store.engine import make_engine
    from relaydesk.store.migrate import upgrade

    settings = settings_or_exit(data_dir=data_dir)
    engine = make_engine(settings.resolved_database_url)
    try:
        upgrade(engine)
        yield AgentDesk(AgentStore(engine), settings.secret_key)
    finally:
        engine.dispose()


def add(
    email: Annotated[str, typer.Argument(help="The agent's sign-in email.")],
    name: Annotated[str, typer.Option("--name", help="Shown to customers.")] = "",
    role: Annotated[Role, typer.Option(help="agent, supervisor or admin.")] = Role.AGENT,
    skill: Annotated[
        list[str] | None, typer.Option("--skill", help="Repeat: billing, returns, complaints...")
    ] = None,
    language: Annotated[
        list[str] | None, typer.Option("--language", help="Repeat: en, sv, de... (any if none)")
    ] = None,
    capacity: Annotated[int, typer.Option(min=1, max=50, help="Conversations at once.")] = 3,
    password: Annotated[
        str,
        typer.Option(
            prompt=True,
            hide_input=True,
            confirmation_prompt=True,
            envvar="RELAYDESK_AGENT_PASSWORD",
            help="Prompted for when not given.",
        ),
    ] = "",
    data_dir: DataDirOption = None,
) -> None:
    """Create an agent account."""
    with _agent_desk(data_dir) as desk:
        try:
            agent = desk.add_agent(
                email=email,
                display_name=name or email.split("@")[0],
                password=password,
                role=role,
                skills=skill or (),
                languages=language or (),
                capacity=capacity,
            )
        except DomainError as error:
            fail(error.message)
    console.print(f"Added {agent.role.value} {agent.email} ({agent.id}).")


def list_agents(data_dir: DataDirOption = None) -> None:
    """List the team with roles, skills, languages and presence."""
    with _agent_desk(data_dir) as desk:
        statuses = desk.list_agents()
    # Tab-separated so it reads in a terminal and pipes into cut or awk.
    typer.echo("email\tname\trole\tskills\tlanguages\tcapacity\tpresence\tactive")
    for status in statuses:
        agent = status.agent
        row = (
            agent.email,
            agent.display_name,
            agent.role.value,
            ",".join(sorted(agent.skills)) or "-",
            ",".join(sorted(agent.languages)) or "any",
            str(agent.capacity),
            status.presence.value,
            "yes" if agent.active else "no",
        )
        typer.echo("\t".join(row))


def disable(
    email: Annotated[str, typer.Argument(help="The agent's sign-in email.")],
    data_dir: DataDirOption = None,
) -> None:
    """Disable an account and end its sessions; its conversations return to the queue."""
    with _agent_desk(data_dir) as desk:
        try:
            agent = desk.disable_by_email(email)
        except DomainError as error:
            fail(error.message)
    console.print(f"Disabled {agent.email}.")


def register(app: typer.Typer) -> None:
    """Add the `agents` command group to the main CLI."""
    agents_app = typer.Typer(help="The people who answer customers.", no_args_is_help=True)
    agents_app.command("add")(add)
    agents_app.command("list")(list_agents)
    agents_app.command("disable")(disable)
    app.add_typer(agents_app, name="agents")
