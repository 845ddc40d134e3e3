"""`relaydesk report` in the terminal: the knowledge gaps the dashboard shows, closed ones too."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine
from typer.testing import CliRunner

from analytics.test_digest import WEEK, a_week_of_questions
from relaydesk.cli.main import app
from relaydesk.store.engine import make_engine
from relaydesk.store.migrate import upgrade


@pytest.fixture
def engine(tmp_path: Path) -> Iterator[Engine]:
    """The database `--data-dir tmp_path` opens."""
    made = make_engine(f"sqlite:///{tmp_path / 'relaydesk.sqlite3'}")
    upgrade(made)
    yield made
    made.dispose()


def gap_rows(output: str) -> list[str]:
    table = output.split("Knowledge gaps")[1].split("Contact reasons")[0]
    return [line for line in table.splitlines() if "│" in line and "questions" not in line]


def test_the_report_shows_open_and_closed_knowledge_gaps_as_the_dashboard_does(
    engine: Engine, tmp_path: Path
) -> None:
    a_week_of_questions(engine)  # Canada: the demo company's delivery article answers it now

    printed = CliRunner().invoke(
        app, ["report", *WEEK, "--data-dir", str(tmp_path)], env={"COLUMNS": "250"}
    )

    assert printed.exit_code == 0, printed.output
    assert "Resolutions with a person later than the SLA" in printed.output
    assert "Knowledge gaps: 1 open, 1 closed" in printed.output
    blorp, canada = gap_rows(printed.output)
    assert "blorp fizzle wugs" in blorp and blorp.rstrip(" │").endswith("open")
    assert "Canada" in canada and "closed: now answered by \u201c" in canada
