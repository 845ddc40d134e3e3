"""`relaydesk packs`: the domain packs installed, and a new one scaffolded."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from relaydesk.cli.common import console, fail, settings_or_exit

packs_app = typer.Typer(help="Domain packs: what a business brings.", no_args_is_help=True)


def register(app: typer.Typer) -> None:
    app.add_typer(packs_app, name="packs")


@packs_app.command("list")
def list_packs() -> None:
    """Every pack installed (entry point group relaydesk.packs), with its version."""
    from relaydesk.pack import installed_packs

    found = installed_packs()
    chosen = settings_or_exit().pack
    if not found:
        console.print("No domain pack is installed.")
        return
    table = Table("name", "version", "distribution", "entry point", "chosen")
    only = len({pack.name for pack in found}) == 1
    for pack in found:
        selected = pack.name == chosen or (chosen is None and only)
        table.add_row(
            pack.name, pack.version, pack.distribution, pack.target, "yes" if selected else ""
        )
    console.print(table)


@packs_app.command("new")
def new(
    name: Annotated[str, typer.Argument(help="The pack's name, e.g. acme.")],
    path: Annotated[Path, typer.Option(help="The folder to create it in.")] = Path("."),
) -> None:
    """Scaffold a working pack package: entry point, a flow, a tool, an article, a test."""
    from relaydesk.pack.scaffold import ScaffoldError, new_pack

    try:
        target = new_pack(name, path)
    except ScaffoldError as error:
        fail(str(error))
    console.print(f"Created the pack '{name}' in {target}. Next:")
    console.print(f"  pip install -e {target}")
    tests = target / "tests" / "conversations"
    console.print(f"  RELAYDESK_PACK={name} relaydesk test conversations {tests}")
