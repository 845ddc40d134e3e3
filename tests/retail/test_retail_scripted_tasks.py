"""Every scripted training task, played and judged as `... evaluation tasks` does."""

from __future__ import annotations

from relaydesk.packs.retail.dialogue.agent import StoreAssistant
from relaydesk.packs.retail.evaluation.replay import StoreCopies
from relaydesk.packs.retail.evaluation.runner import run_tasks
from relaydesk.packs.retail.evaluation.scripts import load_scripts
from relaydesk.packs.retail.evaluation.tasks import load_tasks

# Scripted tasks the assistant does not solve yet; docs/retail.md says what each one lacks.
KNOWN_UNSOLVED = {"31", "35"}


def test_the_scripted_training_tasks_are_solved(store_copies: StoreCopies) -> None:
    scripts = {task_id: script for task_id, (_file, script) in load_scripts().items()}
    verdicts = run_tasks(load_tasks(), scripts, store_copies, StoreAssistant)
    unsolved = {
        verdict.task_id: verdict.difference.describe()
        for verdict in verdicts
        if verdict.difference is not None
    }
    assert set(unsolved) == KNOWN_UNSOLVED, unsolved
    assert len(verdicts) == len(scripts)
