"""The YAML format of conversation tests: what the customer says and what must follow."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator


class ToolExpectation(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str
    status: str = "done"
    params: dict[str, Any] = Field(default_factory=dict)  # a subset that must match


class Expectation(BaseModel):
    model_config = ConfigDict(extra="forbid")

    reply_contains: list[str] = Field(default_factory=list)
    reply_excludes: list[str] = Field(default_factory=list)
    tool: ToolExpectation | None = None
    no_tool_run: list[str] = Field(default_factory=list)  # these tools must not be done
    state: str | None = None  # the owner afterwards: assistant, queued, agent, closed
    escalation: str | None = None  # the escalation reason this step records
    language: str | None = None  # the language detected in the customer's message
    reply_language: str | None = None  # the language the replies are written in
    reply_key: str | None = None  # a catalog message id one of the replies must come from
    choices: list[str] | None = None  # quick-reply values offered

    @field_validator("reply_contains", "reply_excludes", "no_tool_run", mode="before")
    @classmethod
    def _one_or_many(cls, value: Any) -> Any:
        return [value] if isinstance(value, str) else value

    @field_validator("tool", mode="before")
    @classmethod
    def _tool_by_name(cls, value: Any) -> Any:
        return {"name": value} if isinstance(value, str) else value


class Step(BaseModel):
    model_config = ConfigDict(extra="forbid")

    customer: str
    expect: Expectation = Field(default_factory=Expectation)


# How a tool is made to fail for a test: it raises, never answers, or returns garbage.
Breakage = Literal["raises", "times_out", "garbage"]


class ConversationTest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str
    customer_ref: str | None = None  # a signed-in customer of the pack; None: anonymous
    language: str | None = None
    broken_tools: dict[str, Breakage] = Field(default_factory=dict)
    steps: list[Step] = Field(min_length=1)


class SpecError(ValueError):
    """A conversation test file that cannot be read; the message names the file."""


def load_conversation_tests(path: Path) -> list[tuple[Path, ConversationTest]]:
    """Every test in a file, or in every *.yaml file under a folder."""
    files = sorted(path.rglob("*.y*ml")) if path.is_dir() else [path]
    if not files:
        raise SpecError(f"No conversation test files (*.yaml) under {path}.")
    tests: list[tuple[Path, ConversationTest]] = []
    for file in files:
        try:
            raw = yaml.safe_load(file.read_text(encoding="utf-8"))
            items = raw if isinstance(raw, list) else [raw]
            tests += [(file, ConversationTest.model_validate(item)) for item in items]
        except (OSError, yaml.YAMLError, ValidationError) as error:
            raise SpecError(f"{file}: {_first_problem(error)}.") from error
    return tests


def _first_problem(error: Exception) -> str:
    """What is wrong and where, in a few words: the first schema error or the YAML line."""
    if isinstance(error, ValidationError):
        first = error.errors()[0]
        where = ".".join(str(part) for part in first["loc"])
        return f"{where}: {str(first['msg']).rstrip('.')}" if where else str(first["msg"])
    if isinstance(error, yaml.MarkedYAMLError) and error.problem_mark is not None:
        return f"line {error.problem_mark.line + 1}: {error.problem or 'not valid YAML'}"
    return str(error).splitlines()[0].rstrip(".")
