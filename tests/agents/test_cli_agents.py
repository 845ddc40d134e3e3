"""`relaydesk agents add|list|disable` against a real SQLite file."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from relaydesk.cli.main import app

runner = CliRunner()


def test_an_operator_adds_lists_and_disables_an_agent(tmp_path: Path) -> None:
    data = ["--data-dir", str(tmp_path)]
    added = runner.invoke(
        app,
        [
            "agents",
            "add",
            "maria@example.com",
            "--name",
            "Maria",
            "--role",
            "supervisor",
            "--skill",
            "fraud",
            "--language",
            "sv",
            *data,
        ],
        input="a long password\na long password\n",
    )
    assert added.exit_code == 0, added.output
    listed = runner.invoke(app, ["agents", "list", *data])
    header, maria = listed.output.splitlines()
    assert header.split("\t")[0] == "email"
    assert maria.split("\t") == [
        "maria@example.com",
        "Maria",
        "supervisor",
        "fraud",
        "sv",
        "3",
        "offline",
        "yes",
    ]
    disabled = runner.invoke(app, ["agents", "disable", "maria@example.com", *data])
    assert disabled.exit_code == 0, disabled.output
    after = runner.invoke(app, ["agents", "list", *data]).output.splitlines()[1]
    assert after.split("\t")[-1] == "no"


def test_a_short_password_or_duplicate_email_exits_2_with_a_sentence(tmp_path: Path) -> None:
    data = ["--data-dir", str(tmp_path)]
    short = runner.invoke(app, ["agents", "add", "a@example.com", "--password", "short", *data])
    assert short.exit_code == 2 and "at least 10 characters" in short.output
    ok = ["agents", "add", "a@example.com", "--password", "long enough!", *data]
    assert runner.invoke(app, ok).exit_code == 0
    again = runner.invoke(app, ok)
    assert again.exit_code == 2 and "already exists" in again.output
    unknown = runner.invoke(app, ["agents", "disable", "b@example.com", *data])
    assert unknown.exit_code == 2 and "No agent has the email" in unknown.output
