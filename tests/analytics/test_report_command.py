"""`relaydesk report` in the terminal: the knowledge gaps the dashboard shows, closed and
emerging ones too."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import Engine
from typer.testing import CliRunner

from analytics.test_digest import WEEK, a_week_of_questions
from analytics.test_insight import conversation
from relaydesk.cli.main import app


def gap_rows(output: str) -> list[list[str]]:
    table = output.split("Knowledge gaps")[1].split("Contact reasons")[0]
    lines = [line for line in table.splitlines() if "│" in line and "questions" not in line]
    return [[cell.strip() for cell in line.strip(" │").split("│")] for line in lines]


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
    assert "blorp fizzle wugs" in blorp[1] and blorp[4:] == ["open", "-"]  # no earlier data
    assert "Canada" in canada[1] and canada[4].startswith("closed: now answered by \u201c")


def test_the_report_marks_a_gap_not_asked_in_the_previous_period_as_new(
    engine: Engine, tmp_path: Path
) -> None:
    unsure = {"intent": "shopping", "confidence": 0.2, "out_of_scope": True}
    for days_ago in (15, 10, 2):  # the data covers the previous week
        conversation(engine, "Is there a student discount?", unsure, "clarify", days_ago)
    for _ in range(3):
        conversation(engine, "Do you sell blorp fizzle wugs?", unsure, "clarify", 2)

    printed = CliRunner().invoke(
        app, ["report", *WEEK, "--data-dir", str(tmp_path)], env={"COLUMNS": "250"}
    )

    assert printed.exit_code == 0, printed.output
    blorp, discount = gap_rows(printed.output)
    assert (blorp[0], blorp[-1]) == ("3", "new, 0 before")
    assert (discount[0], discount[-1]) == ("1", "1 before")
    assert "Emerging: a group of at least 3 messages" in printed.output
    digest = CliRunner().invoke(app, ["digest", *WEEK, "--data-dir", str(tmp_path)]).output
    emerging = digest.split("Emerging topics among them")[1].split("\n\n")[0]
    assert '- 3 x "Do you sell blorp fizzle wugs?": new, 0 before' in emerging
    assert "student discount" not in emerging
