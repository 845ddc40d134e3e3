"""Growing delays after failed attempts (identity checks), per scope, for tools to consult.

A guesser spreads guesses over conversations, addresses and target accounts, so a check
counts its failure under several scopes at once (this conversation, the client's address,
the account the guess names) and waits as long as the most delayed of them. The interface
lives here so tools can use it; the desk hands in one backed by the store, shared by every
server process (`relaydesk.store.attempts`); `MemoryAttempts` serves a single process.
"""

from __future__ import annotations

import hashlib
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Protocol

FIRST_DELAY_S = 30.0
LONGEST_DELAY_S = 3600.0
FORGET_AFTER_S = 24 * 3600.0


@dataclass(frozen=True)
class AttemptScope:
    """One thing attempts are counted for, and the failures it gets before delays start."""

    key: str  # e.g. "address:203.0.113.7"; stored only as a hash
    free_failures: int

    @property
    def hashed(self) -> str:
        return hashlib.sha256(self.key.encode()).hexdigest()


class AttemptLimits(Protocol):
    def wait_s(self, scopes: Sequence[AttemptScope]) -> float:
        """Seconds before an attempt under all these scopes may be made (0: now)."""

    def failed(self, scopes: Sequence[AttemptScope]) -> None:
        """Count one failure under each scope."""

    def succeeded(self, scopes: Sequence[AttemptScope]) -> None:
        """Forget the failures of these scopes."""


def delay_s(failures: int, free_failures: int) -> float:
    """How long after the last failure the next attempt waits: 30 s doubling to an hour."""
    if failures <= free_failures:
        return 0.0
    doublings = min(failures - free_failures - 1, 20)
    return min(LONGEST_DELAY_S, FIRST_DELAY_S * (1 << doublings))


class MemoryAttempts:
    """Counts in this process: the embedded single-process setup and direct tool calls."""

    def __init__(self, clock: Callable[[], float] = time.time) -> None:
        self._clock = clock
        self._failures: dict[str, tuple[int, float]] = {}
        self._lock = threading.Lock()

    def wait_s(self, scopes: Sequence[AttemptScope]) -> float:
        now = self._clock()
        with self._lock:
            found = [(s, self._failures.get(s.hashed)) for s in scopes]
        waits = [
            max(0.0, last + delay_s(count, scope.free_failures) - now)
            for scope, entry in found
            if entry is not None
            for count, last in [entry]
            if now - last <= FORGET_AFTER_S
        ]
        return max(waits, default=0.0)

    def failed(self, scopes: Sequence[AttemptScope]) -> None:
        now = self._clock()
        with self._lock:
            for scope in scopes:
                count, last = self._failures.get(scope.hashed, (0, now))
                if now - last > FORGET_AFTER_S:
                    count = 0
                self._failures[scope.hashed] = (count + 1, now)

    def succeeded(self, scopes: Sequence[AttemptScope]) -> None:
        with self._lock:
            for scope in scopes:
                self._failures.pop(scope.hashed, None)
