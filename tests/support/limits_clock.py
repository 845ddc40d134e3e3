"""A clock for the in-memory rate limiter: `limits` reads `time.time()` itself, so tests that
must not see a window turn (or must turn one on purpose) replace the time it reads."""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import limits.storage.memory
import limits.strategies
import pytest

import relaydesk.security.ratelimit

# Half way through a minute: `limits` floors the previous window's weighted count, so in real
# time a burst that straddles a minute's turn is allowed one hit more than its limit.
MID_MINUTE = 1_800_000_030.0


class SetClock:
    """`time` as the limiter reads it, with `now` under the test's control."""

    def __init__(self, now: float) -> None:
        self.now = now

    def time(self) -> float:
        return self.now

    def __getattr__(self, name: str) -> Any:
        return getattr(time, name)


@contextmanager
def limiter_clock(now: float) -> Iterator[SetClock]:
    clock = SetClock(now)
    with pytest.MonkeyPatch.context() as patch:
        for module in (limits.storage.memory, limits.strategies, relaydesk.security.ratelimit):
            patch.setattr(module, "time", clock)
        yield clock
