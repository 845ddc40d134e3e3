"""Scripted conversations: what a task's customer writes, turn by turn (docs/retail.md).

The format is a conversation test (relaydesk.testing.conversation_spec) plus the task id:
`task`, an optional `name`, and `steps` whose `customer` is what the customer writes. Step
expectations are allowed and checked; the task's verdict is the store's end state.
"""

from __future__ import annotations

from pathlib import Path

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from relaydesk.testing.conversation_spec import Step

SCRIPTS_DIR = Path(__file__).resolve().parent.parent / "conversations"


class ScriptError(ValueError):
    """A script file that cannot be read; the message names the file."""


class TaskScript(BaseModel):
    """One task's conversation as its customer would write it."""

    model_config = ConfigDict(extra="forbid")

    task: str
    name: str = ""
    language: str = "en"
    steps: list[Step] = Field(min_length=1)


def load_scripts(folder: Path = SCRIPTS_DIR) -> dict[str, tuple[Path, TaskScript]]:
    """Every script under a folder (or in one file), by task id; a task scripted twice is an
    error, as is a file that is not a script."""
    files = sorted(folder.rglob("*.y*ml")) if folder.is_dir() else [folder]
    scripts: dict[str, tuple[Path, TaskScript]] = {}
    for file in files:
        try:
            raw = yaml.safe_load(file.read_text(encoding="utf-8"))
            items = raw if isinstance(raw, list) else [raw]
            loaded = [TaskScript.model_validate(item) for item in items]
        except (OSError, yaml.YAMLError, ValidationError) as error:
            first = str(error).splitlines()[0]
            raise ScriptError(f"{file} is not a scripted conversation: {first}") from error
        for script in loaded:
            if script.task in scripts:
                raise ScriptError(f"Task {script.task} is scripted twice ({file}).")
            scripts[script.task] = (file, script)
    return scripts
