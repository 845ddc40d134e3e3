"""`python -m relaydesk.packs.retail.evaluation tasks`: the solved share of scripted tasks."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from relaydesk.cli.common import console, fail
from relaydesk.packs.retail.evaluation.replay import store_copies
from relaydesk.packs.retail.evaluation.runner import TaskVerdict, run_tasks
from relaydesk.packs.retail.evaluation.scripts import SCRIPTS_DIR, ScriptError, load_scripts
from relaydesk.packs.retail.evaluation.tasks import TASKS_FILE, TaskFileError, load_tasks

app = typer.Typer(
    help="Evaluate the retail store's assistant on the benchmark's tasks.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)


@app.callback()
def _group() -> None:
    """Evaluation modes of the retail store pack."""


ScriptsOption = Annotated[Path, typer.Option(help="A scripted conversation file or folder.")]
TasksOption = Annotated[Path, typer.Option(help="The benchmark's tasks file.")]
TaskOption = Annotated[list[str] | None, typer.Option("--task", help="Only these task ids.")]
TranscriptOption = Annotated[bool, typer.Option(help="Print unsolved tasks' conversations.")]


@app.command("tasks")
def tasks_command(
    scripts: ScriptsOption = SCRIPTS_DIR,
    tasks: TasksOption = TASKS_FILE,
    task: TaskOption = None,
    transcripts: TranscriptOption = False,
) -> None:
    """Play each scripted task on a fresh store, replay its gold calls on another, compare."""
    from relaydesk.packs.retail.dialogue.agent import StoreAssistant

    try:
        loaded = load_tasks(tasks)
        scripted = {task_id: script for task_id, (_f, script) in load_scripts(scripts).items()}
    except (TaskFileError, ScriptError) as error:
        fail(str(error))
    unknown = sorted(set(scripted) - {t.id for t in loaded})
    if unknown:
        fail(f"Scripts name tasks that are not in {tasks}: {', '.join(unknown)}.")
    if task:
        missing = sorted(set(task) - set(scripted))
        if missing:
            fail(f"No scripted conversation for task {', '.join(missing)}.")
        scripted = {task_id: scripted[task_id] for task_id in task}
    with store_copies() as copies:
        verdicts = run_tasks(loaded, scripted, copies, StoreAssistant)
    _report(verdicts, transcripts)


def _report(verdicts: list[TaskVerdict], transcripts: bool) -> None:
    for verdict in verdicts:
        if verdict.difference is None:
            continue
        console.print(f"task {verdict.task_id}: unsolved, {verdict.difference.describe()}",
                      highlight=False, markup=False, soft_wrap=True)
        if transcripts:
            for turn in verdict.transcript:
                console.print(f"  customer: {turn.customer}", highlight=False, markup=False,
                              soft_wrap=True)
                for reply in turn.replies:
                    console.print(f"  assistant: {reply}", highlight=False, markup=False,
                                  soft_wrap=True)
    solved = sum(verdict.solved for verdict in verdicts)
    share = 100 * solved / len(verdicts) if verdicts else 0.0
    console.print(f"solved {solved}/{len(verdicts)} ({share:.1f} %)", highlight=False)
