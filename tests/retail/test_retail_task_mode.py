"""The task mode: scripted conversations against a fresh store, judged against gold."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from relaydesk.packs.retail.dialogue.agent import StoreAssistant
from relaydesk.packs.retail.evaluation.cli import app
from relaydesk.packs.retail.evaluation.replay import StoreCopies
from relaydesk.packs.retail.evaluation.runner import run_task
from relaydesk.packs.retail.evaluation.scripts import TaskScript, load_scripts
from relaydesk.packs.retail.evaluation.tasks import load_tasks

TASK_0 = next(task for task in load_tasks() if task.id == "0")


def _script(*turns: str) -> TaskScript:
    return TaskScript(task="0", steps=[{"customer": turn} for turn in turns])


def test_the_first_tasks_conversation_solves_it_the_same_way_twice(
    store_copies: StoreCopies,
) -> None:
    _file, script = load_scripts()["0"]
    verdicts = [run_task(TASK_0, script, store_copies, StoreAssistant) for _ in range(2)]
    assert all(verdict.solved for verdict in verdicts)
    assert verdicts[0].transcript == verdicts[1].transcript
    confirmation = verdicts[0].transcript[-2].replies[-1]
    for detail in ("#W2378156", "Mechanical Keyboard", "clicky", "Google Assistant",
                   "$16.63 back", "ending 2478", "only once"):
        assert detail in confirmation


def test_without_the_customers_yes_nothing_changes_and_the_difference_says_where(
    store_copies: StoreCopies,
) -> None:
    _file, script = load_scripts()["0"]
    unconfirmed = script.model_copy(update={"steps": script.steps[:-1]})
    verdict = run_task(TASK_0, unconfirmed, store_copies, StoreAssistant)
    assert not verdict.solved
    assert verdict.difference is not None
    assert verdict.difference.path.startswith("['orders']['#W2378156']")


def test_a_user_id_alone_does_not_authenticate(store_copies: StoreCopies) -> None:
    script = _script("My user id is yusuf_rossi_9620. Please exchange the keyboard in #W2378156.",
                     "Yes.")
    verdict = run_task(TASK_0, script, store_copies, StoreAssistant)
    assert "email" in verdict.transcript[0].replies[0]
    assert not verdict.solved


def test_the_command_prints_the_solved_share_and_refuses_unknown_tasks(tmp_path: Path) -> None:
    runner = CliRunner()
    result = runner.invoke(app, ["tasks", "--task", "0"])
    assert result.exit_code == 0, result.output
    assert "solved 1/1 (100.0 %)" in result.output
    missing = runner.invoke(app, ["tasks", "--task", "no-such-task"])
    assert missing.exit_code == 2
    broken = tmp_path / "broken.yaml"
    broken.write_text("task: '0'\nsteps: []\n", encoding="utf-8")
    unreadable = runner.invoke(app, ["tasks", "--scripts", str(broken)])
    assert unreadable.exit_code == 2
    assert "is not a scripted conversation" in unreadable.output
