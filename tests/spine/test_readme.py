"""The README is checked against the code where it can be: commands and widget attributes."""

from __future__ import annotations

import re
from pathlib import Path

import typer

from relaydesk.cli.main import app

ROOT = Path(__file__).resolve().parents[2]
README = (ROOT / "README.md").read_text(encoding="utf-8")


def command_names(typer_app: typer.Typer) -> set[str]:
    names = {command.name or (command.callback.__name__ if command.callback else "")
             for command in typer_app.registered_commands}
    names |= {group.name or "" for group in typer_app.registered_groups}
    return names - {""}


def test_the_readme_command_table_lists_every_command() -> None:
    table = README[README.index("## Command line") :].split("\n## ", 1)[0]
    listed = set(re.findall(r"^\| `relaydesk ([a-z-]+)", table, flags=re.MULTILINE))
    assert command_names(app) <= listed, command_names(app) - listed
    assert listed <= command_names(app), listed - command_names(app)


def test_the_readme_names_every_attribute_the_widget_reads() -> None:
    widget = (ROOT / "src/relaydesk/web/widget/widget.js").read_text(encoding="utf-8")
    read = set(re.findall(r"data\.([a-zA-Z]+)", widget))
    assert read, "the widget reads no data attribute: the pattern no longer matches widget.js"
    for name in read:
        attribute = "data-" + re.sub(r"[A-Z]", lambda m: "-" + m.group(0).lower(), name)
        assert attribute in README, f"{attribute} is read by widget.js but not in the README"
