"""Helpers shared by CLI commands: settings loading and clear one-sentence failures."""

from __future__ import annotations

from typing import TYPE_CHECKING, NoReturn

import typer
from pydantic import ValidationError
from rich.console import Console
from rich.markup import escape

from relaydesk.settings import Settings, load_settings

if TYPE_CHECKING:
    from relaydesk.pack import Pack  # imported when used: it loads the assistant's modules

console = Console()
errors = Console(stderr=True, soft_wrap=True)


def fail(sentence: str, code: int = 2) -> NoReturn:
    """Print one clear sentence to stderr and exit (2 means the caller's input was wrong)."""
    # escaped: a sentence may quote input or a package extra such as relaydesk[tuning]
    errors.print(f"[red]error:[/red] {escape(sentence)}", highlight=False)
    raise typer.Exit(code)


def pack_or_exit(name: str | None) -> Pack:
    """The named pack (or the only one installed); one sentence and exit 2 otherwise."""
    from relaydesk.pack import PackError, load_pack

    try:
        return load_pack(name)
    except PackError as error:
        fail(str(error))


def settings_or_exit(**overrides: object) -> Settings:
    try:
        return load_settings(**{k: v for k, v in overrides.items() if v is not None})
    except ValidationError as error:
        first = error.errors()[0]
        message = str(first["msg"]).removeprefix("Value error, ").rstrip(".")
        where = ".".join(str(part) for part in first["loc"])
        fail(f"The setting {where} is invalid: {message}." if where else f"{message}.")


def refuse_default_secrets_off_loopback(settings: Settings) -> None:
    """Exit 2 with a sentence before a server with public secrets listens beyond loopback."""
    from relaydesk.security.secrets import refusal

    refused = refusal(settings)
    if refused is not None:
        fail(refused)
