"""`relaydesk packs`: the domain packs installed, and a new one scaffolded."""

from __future__ import annotations

import typer
from rich.table import Table

from relaydesk.cli.common import console, settings_or_exit

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
