"""The store's tasks for `relaydesk eval tasks`: scripts, fresh stores, the gold end state."""

from __future__ import annotations

import shutil
import tempfile
import weakref
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import Engine

from relaydesk.pack import ScriptedTask
from relaydesk.packs.retail.backend import export_snapshot
from relaydesk.packs.retail.evaluation.compare import first_difference
from relaydesk.packs.retail.evaluation.replay import StoreCopies, replay_actions
from relaydesk.packs.retail.evaluation.scripts import SCRIPTS_DIR, ScriptError, load_scripts
from relaydesk.packs.retail.evaluation.tasks import TASKS_FILE, Task, TaskFileError, load_tasks


class StoreTaskSuite:
    """Each task starts from db.json; it is solved when the store ends as its gold calls
    leave it (the benchmark's criterion)."""

    def __init__(self) -> None:
        self._copies: StoreCopies | None = None
        self._tasks: dict[str, Task] = {}

    def scripted_tasks(self, scripts: Path | None, tasks: Path | None) -> list[ScriptedTask]:
        tasks_file, scripts_source = tasks or TASKS_FILE, scripts or SCRIPTS_DIR
        try:
            loaded = load_tasks(tasks_file)
            scripted = {task_id: script for task_id, (_f, script) in
                        load_scripts(scripts_source).items()}
        except (TaskFileError, ScriptError) as error:
            raise ValueError(str(error)) from error
        unknown = sorted(set(scripted) - {task.id for task in loaded})
        if unknown:
            raise ValueError(f"Scripts name tasks that are not in {tasks_file}: "
                             f"{', '.join(unknown)}.")
        self._tasks = {task.id: task for task in loaded}
        return [
            ScriptedTask(task.id, scripted[task.id].name,
                         tuple(step.customer for step in scripted[task.id].steps))
            for task in loaded if task.id in scripted
        ]

    @contextmanager
    def fresh_backend(self) -> Iterator[Engine]:
        with self._store_copies().fresh() as engine:
            yield engine

    def judge(self, task_id: str, played: Engine) -> str | None:
        task = self._tasks[task_id]
        with self._store_copies().fresh() as expected:
            replay_actions(expected, task.gold_actions)
            with expected.connect() as gold, played.connect() as actual:
                difference = first_difference(export_snapshot(gold), export_snapshot(actual))
        return None if difference is None else difference.describe()

    def _store_copies(self) -> StoreCopies:
        """Seeded once into a temporary folder, removed with the suite."""
        if self._copies is None:
            folder = Path(tempfile.mkdtemp(prefix="relaydesk-retail-tasks-"))
            weakref.finalize(self, shutil.rmtree, folder, ignore_errors=True)
            self._copies = StoreCopies(folder)
        return self._copies
