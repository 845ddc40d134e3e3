"""`relaydesk eval tasks`: a pack's scripted tasks through the engine, judged by end state."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from relaydesk.cli.common import console, fail, settings_or_exit

if TYPE_CHECKING:
    from relaydesk.testing.task_runner import TaskVerdict

ScriptsOption = Annotated[
    Path | None, typer.Option("--scripts", help="A scripted conversation file or folder.")
]
TasksOption = Annotated[Path | None, typer.Option("--tasks", help="The tasks file.")]
TaskOption = Annotated[list[str] | None, typer.Option("--task", help="Only these task ids.")]
TranscriptOption = Annotated[
    bool, typer.Option("--transcripts", help="Print the conversations of unsolved tasks.")
]


def eval_tasks(
    scripts: ScriptsOption = None,
    tasks: TasksOption = None,
    task: TaskOption = None,
    transcripts: TranscriptOption = False,
) -> None:
    """Play each scripted task through the assistant on a fresh backend; print solved/total."""
    from relaydesk.pack import PackError, load_pack, task_suite
    from relaydesk.testing.fixtures import build_test_assistant
    from relaydesk.testing.task_runner import TaskRunner

    settings = settings_or_exit()
    try:
        pack = load_pack(settings.pack)
    except PackError as error:
        fail(str(error))
    suite = task_suite(pack)
    if suite is None:
        fail(f"The pack '{pack.name}' has no scripted tasks to evaluate.")
    try:
        scripted = suite.scripted_tasks(scripts, tasks)
    except ValueError as error:
        fail(str(error))
    if task:
        known = {t.task_id for t in scripted}
        missing = [task_id for task_id in task if task_id not in known]
        if missing:
            fail(f"No scripted conversation for task {', '.join(missing)}.")
        scripted = [t for t in scripted if t.task_id in set(task)]
    try:
        with console.status(f"Loading the assistant of the pack '{pack.name}'..."):
            assistant = build_test_assistant(pack, settings.resolved_cache_dir)
    except PackError as error:
        fail(str(error))
    verdicts = TaskRunner(pack, suite, assistant, date.today()).run_all(scripted)
    report(verdicts, transcripts)


def report(verdicts: list[TaskVerdict], transcripts: bool) -> None:
    """The first difference of each unsolved task, then the solved share."""
    for verdict in verdicts:
        if verdict.solved:
            continue
        _line(f"task {verdict.task_id}: unsolved, {verdict.difference}")
        if transcripts:
            for line in verdict.transcript:
                _line(f"  customer: {line.customer}")
                for reply in line.replies:
                    _line(f"  assistant: {reply}")
    solved = sum(verdict.solved for verdict in verdicts)
    share = 100 * solved / len(verdicts) if verdicts else 0.0
    _line(f"solved {solved}/{len(verdicts)} ({share:.1f} %)")


def _line(text: str) -> None:
    console.print(text, highlight=False, markup=False, soft_wrap=True)
