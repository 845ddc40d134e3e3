"""The task mode: each scripted conversation against a fresh store, gold replayed on another,
the two end states compared."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Protocol

from sqlalchemy import Engine

from relaydesk.packs.retail.backend import export_snapshot
from relaydesk.packs.retail.evaluation.compare import Difference, first_difference
from relaydesk.packs.retail.evaluation.replay import StoreCopies, replay_actions
from relaydesk.packs.retail.evaluation.scripts import TaskScript
from relaydesk.packs.retail.evaluation.tasks import Task


class Assistant(Protocol):
    """Whatever answers the customer: one object per conversation."""

    def respond(self, text: str) -> list[str]: ...


AssistantFactory = Callable[[Engine], Assistant]


@dataclass(frozen=True)
class Turn:
    customer: str
    replies: list[str]


@dataclass
class TaskVerdict:
    task_id: str
    difference: Difference | None
    transcript: list[Turn] = field(default_factory=list)

    @property
    def solved(self) -> bool:
        return self.difference is None


def run_task(
    task: Task, script: TaskScript, copies: StoreCopies, assistant: AssistantFactory
) -> TaskVerdict:
    """Play the script on one fresh store and the gold calls on another; compare."""
    with copies.fresh() as expected, copies.fresh() as actual:
        replay_actions(expected, task.gold_actions)
        agent = assistant(actual)
        transcript = [Turn(step.customer, agent.respond(step.customer)) for step in script.steps]
        with expected.connect() as gold, actual.connect() as played:
            difference = first_difference(export_snapshot(gold), export_snapshot(played))
    return TaskVerdict(task.id, difference, transcript)


def run_tasks(
    tasks: Iterable[Task],
    scripts: dict[str, TaskScript],
    copies: StoreCopies,
    assistant: AssistantFactory,
) -> list[TaskVerdict]:
    """Every task that has a script, in the tasks file's order."""
    return [
        run_task(task, scripts[task.id], copies, assistant)
        for task in tasks
        if task.id in scripts
    ]
