"""Growing delays after failed attempts (identity checks, sign-ins), per scope.

A guesser spreads guesses over conversations, addresses and target accounts, so a check
counts its failure under several scopes at once (this conversation, the client's address,
the account the guess names) and waits as long as the most delayed of them. The interface
lives here so tools can use it; the desk hands in one backed by the store, shared by every
server process (`relaydesk.security.stored_attempts`); `MemoryAttempts` serves one process.
Callers pass the time (seconds since the epoch), so one clock governs a whole decision.
"""

from __future__ import annotations

import hashlib
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

FIRST_DELAY_S = 30.0
LONGEST_DELAY_S = 3600.0
FORGET_AFTER_S = 24 * 3600.0


@dataclass(frozen=True)
class AttemptScope:
    """One thing attempts are counted for, and its schedule: a few free failures, then a
    delay from the last failure that doubles with each further one, up to a longest;
    counts are forgotten after `forget_after_s` without a failure."""

    key: str  # e.g. "address:203.0.113.7"; stored only as a hash
    free_failures: int
    first_delay_s: float = FIRST_DELAY_S
    longest_delay_s: float = LONGEST_DELAY_S
    forget_after_s: float = FORGET_AFTER_S

    @property
    def hashed(self) -> str:
        return hashlib.sha256(self.key.encode()).hexdigest()

    def delay_s(self, failures: int) -> float:
        """How long after the last failure the next attempt waits."""
        if failures <= self.free_failures:
            return 0.0
        doublings = min(failures - self.free_failures - 1, 30)
        return min(self.longest_delay_s, self.first_delay_s * (1 << doublings))

    def wait_s(self, failures: int, last_failed_at: float, now: float) -> float:
        if now - last_failed_at > self.forget_after_s:
            return 0.0
        return max(0.0, last_failed_at + self.delay_s(failures) - now)


class AttemptLimits(Protocol):
    def wait_s(self, scopes: Sequence[AttemptScope], now: float) -> float:
        """Seconds before an attempt under all these scopes may be made (0: now)."""

    def failed(self, scopes: Sequence[AttemptScope], now: float) -> list[int]:
        """Count one failure under each scope; the counts now, in the scopes' order."""

    def succeeded(self, scopes: Sequence[AttemptScope]) -> None:
        """Forget the failures of these scopes."""


class MemoryAttempts:
    """Counts in this process: the embedded single-process setup and direct tool calls."""

    def __init__(self) -> None:
        self._failures: dict[str, tuple[int, float]] = {}
        self._lock = threading.Lock()

    def wait_s(self, scopes: Sequence[AttemptScope], now: float) -> float:
        with self._lock:
            found = [(scope, self._failures.get(scope.hashed)) for scope in scopes]
        waits = [scope.wait_s(*entry, now) for scope, entry in found if entry is not None]
        return max(waits, default=0.0)

    def failed(self, scopes: Sequence[AttemptScope], now: float) -> list[int]:
        counts = []
        with self._lock:
            for scope in scopes:
                count, last = self._failures.get(scope.hashed, (0, now))
                if now - last > scope.forget_after_s:
                    count = 0
                self._failures[scope.hashed] = (count + 1, now)
                counts.append(count + 1)
            if len(self._failures) > 100_000:  # forget the quiet ones
                day_ago = now - FORGET_AFTER_S
                self._failures = {k: v for k, v in self._failures.items() if v[1] >= day_ago}
        return counts

    def succeeded(self, scopes: Sequence[AttemptScope]) -> None:
        with self._lock:
            for scope in scopes:
                self._failures.pop(scope.hashed, None)
