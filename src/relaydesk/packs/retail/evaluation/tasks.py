"""The benchmark's tasks: a customer's situation and the gold calls that solve it."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from relaydesk.packs.retail.backend.seed import DATA_DIR

TASKS_FILE = DATA_DIR / "tasks_train.json"


class TaskFileError(ValueError):
    """A tasks file that cannot be read as tasks; the message is a sentence for the operator."""


class GoldAction(BaseModel):
    model_config = ConfigDict(extra="ignore")

    name: str
    arguments: dict[str, Any] = Field(default_factory=dict)


class Instructions(BaseModel):
    model_config = ConfigDict(extra="ignore")

    reason_for_call: str = ""
    known_info: str | None = None
    unknown_info: str | None = None
    task_instructions: str | None = None


class _Scenario(BaseModel):
    model_config = ConfigDict(extra="ignore")

    instructions: Instructions


class _Criteria(BaseModel):
    model_config = ConfigDict(extra="ignore")

    actions: list[GoldAction] = Field(default_factory=list)


class Task(BaseModel):
    """One task: who the customer is, what they want, and what a right outcome takes."""

    model_config = ConfigDict(extra="ignore")

    id: str
    user_scenario: _Scenario
    evaluation_criteria: _Criteria

    @property
    def instructions(self) -> Instructions:
        return self.user_scenario.instructions

    @property
    def gold_actions(self) -> list[GoldAction]:
        return self.evaluation_criteria.actions


def load_tasks(path: Path = TASKS_FILE) -> list[Task]:
    """Every task in a tasks file, in file order."""
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise TaskFileError(f"There is no tasks file at {path}.") from None
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        kind = exc.__class__.__name__
        raise TaskFileError(f"{path} is not a readable JSON file ({kind}).") from None
    if not isinstance(raw, list):
        raise TaskFileError(f"{path} must hold a JSON list of tasks.")
    try:
        return [Task.model_validate(item) for item in raw]
    except ValidationError as exc:
        raise TaskFileError(f"{path} has a task that is not in the tasks format: {exc}") from None
