"""Showing model preparation while `demo` or `serve` starts: a progress bar on a terminal,
plain log lines with a time estimate otherwise (a redirected log must not look frozen)."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    SpinnerColumn,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)

from relaydesk.assistant.preparation import LOGGER_NAME

PLAIN_EVERY_S = 5.0  # a plain line per step at most this often, besides its first and last


def progress_bar(console: Console) -> Progress:
    return Progress(
        SpinnerColumn(),
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        TextColumn("left"),
        TimeRemainingColumn(),
        console=console,
    )


class _BarHandler(logging.Handler):
    """One bar per preparation step."""

    def __init__(self, progress: Progress) -> None:
        super().__init__(logging.INFO)
        self._progress = progress
        self._tasks: dict[str, TaskID] = {}

    def emit(self, record: logging.LogRecord) -> None:
        step, done, total = _fields(record)
        if step not in self._tasks:
            self._tasks[step] = self._progress.add_task(step, total=total or None)
        self._progress.update(self._tasks[step], completed=done, total=total or None)


class PlainProgress(logging.Handler):
    """Log lines such as `Embedding help articles: 48/275 (17 %), about 40 s left`."""

    def __init__(self, console: Console, clock: Callable[[], float] = time.monotonic) -> None:
        super().__init__(logging.INFO)
        self._console = console
        self._clock = clock
        self._started: dict[str, float] = {}
        self._said: dict[str, float] = {}

    def emit(self, record: logging.LogRecord) -> None:
        step, done, total = _fields(record)
        now = self._clock()
        started = self._started.setdefault(step, now)
        finished = total > 0 and done >= total
        if step in self._said and not finished and now - self._said[step] < PLAIN_EVERY_S:
            return
        self._said[step] = now
        self._console.print(plain_line(step, done, total, now - started), highlight=False)


def plain_line(step: str, done: int, total: int, elapsed_s: float) -> str:
    if total <= 0:
        return f"{step}..."
    line = f"{step}: {done}/{total} ({100 * done // total} %)"
    if done >= total:
        return f"{line}, done in {elapsed_s:.0f} s"
    if done > 0 and elapsed_s > 0:
        left = elapsed_s / done * (total - done)
        return f"{line}, about {left:.0f} s left"
    return line


def _fields(record: logging.LogRecord) -> tuple[str, int, int]:
    return str(getattr(record, "step", record.getMessage())), int(getattr(record, "done", 0)), int(
        getattr(record, "total", 0)
    )


class StartupSteps:
    """The named steps of a start (migrate, seed, load): a spinner on a terminal, lines
    otherwise, with model preparation shown under them the same way."""

    def __init__(self, console: Console) -> None:
        self.console = console
        self.progress = progress_bar(console) if console.is_terminal else None
        self._task: TaskID | None = None

    def say(self, description: str) -> None:
        if self.progress is None:
            self.console.print(description, highlight=False)
            return
        if self._task is None:
            self._task = self.progress.add_task(description, total=None)
        self.progress.update(self._task, description=description)

    @contextmanager
    def shown(self) -> Iterator[StartupSteps]:
        with self.progress or _nothing(), showing_preparation(self.console, self.progress):
            yield self


@contextmanager
def _nothing() -> Iterator[None]:
    yield


@contextmanager
def showing_preparation(console: Console, progress: Progress | None = None) -> Iterator[None]:
    """While inside, preparation steps are shown on `console` (bars need `progress`)."""
    logger = logging.getLogger(LOGGER_NAME)
    handler: logging.Handler = (
        _BarHandler(progress) if progress is not None else PlainProgress(console)
    )
    previous_level = logger.level
    logger.setLevel(logging.INFO)
    logger.addHandler(handler)
    try:
        yield
    finally:
        logger.removeHandler(handler)
        logger.setLevel(previous_level)
