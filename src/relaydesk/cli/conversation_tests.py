"""`relaydesk test conversations PATH`: run a pack's conversation tests and report."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from relaydesk.cli.common import console, fail, settings_or_exit
from relaydesk.testing.conversation_spec import SpecError, load_conversation_tests

test_app = typer.Typer(help="Check a domain pack's behaviour.", no_args_is_help=True)


def register(app: typer.Typer) -> None:
    app.add_typer(test_app, name="test")


@test_app.command("conversations")
def conversations(
    path: Annotated[Path, typer.Argument(help="A conversation test file or a folder of them.")],
) -> None:
    """Replay each conversation against the real assistant, tools and a seeded backend."""
    if not path.exists():
        fail(f"There is no file or folder at {path}.")
    try:
        tests = load_conversation_tests(path)
    except SpecError as error:
        fail(str(error))
    from relaydesk.pack import PackError, load_pack
    from relaydesk.testing.conversation_runner import ConversationTestRunner
    from relaydesk.testing.fixtures import build_test_assistant

    settings = settings_or_exit()
    try:
        pack = load_pack(settings.pack)
        with console.status(f"Loading the assistant of the pack '{pack.name}'..."):
            assistant = build_test_assistant(pack, settings.resolved_cache_dir)
    except PackError as error:
        fail(str(error))
    runner = ConversationTestRunner(pack, assistant, date.today())
    table = Table("result", "conversation", "file")
    failed = 0
    for source, test in tests:
        outcome = runner.run(source, test)
        failed += not outcome.passed
        table.add_row(
            "[green]pass[/green]" if outcome.passed else "[red]FAIL[/red]", test.name, source.name
        )
        for failure in outcome.failures:
            table.add_row("", f"[red]{failure}[/red]", "")
    console.print(table)
    console.print(f"{len(tests) - failed} passed, {failed} failed")
    if failed:
        raise typer.Exit(1)
