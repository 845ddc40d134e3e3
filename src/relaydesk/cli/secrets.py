"""`relaydesk secrets generate`: fresh values for every secret setting."""

from __future__ import annotations

import typer

from relaydesk.security.secrets import generate_secrets

secrets_app = typer.Typer(help="The server's secrets.", no_args_is_help=True)


@secrets_app.command("generate")
def generate() -> None:
    """Print fresh secrets as environment variables (keep them out of version control)."""
    for name, value in generate_secrets().items():
        typer.echo(f"{name}={value}")


def register(app: typer.Typer) -> None:
    app.add_typer(secrets_app, name="secrets")
