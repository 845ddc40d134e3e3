"""A pack's scripted tasks played through the desk and the engine, judged by the end state."""

from __future__ import annotations

import shutil
import tempfile
import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path

from relaydesk.assistant.engine import PackAssistant
from relaydesk.bus.memory import MemoryBus
from relaydesk.desk.conversations import ConversationDesk
from relaydesk.domain.model import EventKind
from relaydesk.pack import Pack, ScriptedTask, TaskSuite
from relaydesk.store.conversations import ConversationStore
from relaydesk.store.engine import make_engine
from relaydesk.store.migrate import upgrade


@dataclass(frozen=True)
class TranscriptLine:
    customer: str
    replies: list[str]


@dataclass
class TaskVerdict:
    task_id: str
    difference: str | None
    transcript: list[TranscriptLine] = field(default_factory=list)

    @property
    def solved(self) -> bool:
        return self.difference is None


@dataclass(frozen=True)
class TaskRunner:
    """One loaded assistant; each task gets a fresh desk database and a fresh backend."""

    pack: Pack
    suite: TaskSuite
    assistant: PackAssistant
    today: date

    def run_all(self, tasks: Iterable[ScriptedTask]) -> list[TaskVerdict]:
        with tempfile.TemporaryDirectory(prefix="relaydesk-tasks-") as folder:
            template = Path(folder) / "desk-template.sqlite3"
            engine = make_engine(f"sqlite:///{template}")
            try:
                upgrade(engine)  # migrated once; each task gets a copy
            finally:
                engine.dispose()
            return [self._run(task, template) for task in tasks]

    def _run(self, task: ScriptedTask, template: Path) -> TaskVerdict:
        desk_file = template.with_name(f"desk-{uuid.uuid4().hex}.sqlite3")
        shutil.copyfile(template, desk_file)
        desk_engine = make_engine(f"sqlite:///{desk_file}")
        try:
            with self.suite.fresh_backend() as backend:
                deps = self.pack.tool_deps(backend, lambda: self.today)
                assistant = PackAssistant(replace(self.assistant.parts, tool_deps=deps))
                desk = ConversationDesk(ConversationStore(desk_engine), MemoryBus(), assistant)
                transcript = self._play(desk, task)
                return TaskVerdict(task.task_id, self.suite.judge(task.task_id, backend),
                                   transcript)
        finally:
            desk_engine.dispose()
            desk_file.unlink(missing_ok=True)

    @staticmethod
    def _play(desk: ConversationDesk, task: ScriptedTask) -> list[TranscriptLine]:
        conversation = desk.start_conversation(
            customer_ref=None, display_name="Task customer", language="en"
        )
        transcript = []
        for message in task.messages:
            receipt = desk.receive_customer_message(conversation.id, message, uuid.uuid4().hex)
            replies = [e.text or "" for e in receipt.replies if e.kind is EventKind.MESSAGE]
            transcript.append(TranscriptLine(message, replies))
        return transcript
