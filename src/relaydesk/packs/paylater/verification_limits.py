"""Growing delays for anonymous identity checks, per target account.

A visitor proves who they are with an email and one of that customer's order numbers. Each
conversation gives up after a few tries (the flow hands over to a person), so a guesser
opens many conversations: the counts here follow the email and the order number tried,
across conversations. After a few failures for either, further checks for it are refused
for a while, growing with every failure; while refused, even the right pair is refused, and
the visitor hears the same "that didn't match" as for a wrong pair. Counts are per process.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

FREE_FAILURES = 3
FIRST_DELAY_S = 30.0
LONGEST_DELAY_S = 3600.0
FORGET_AFTER_S = 24 * 3600.0


@dataclass
class _Failures:
    count: int
    last: float


class VerificationLimits:
    """Counts failed checks per email and per order number."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self._failures: dict[str, _Failures] = {}
        self._lock = threading.Lock()

    @staticmethod
    def _keys(email: str, order_id: str) -> tuple[str, str]:
        return f"email:{email.strip().lower()}", f"order:{order_id.strip().upper()}"

    def wait_s(self, email: str, order_id: str) -> float:
        """Seconds before either detail may be checked again (0: now)."""
        now = self._clock()
        with self._lock:
            found = [self._failures.get(key) for key in self._keys(email, order_id)]
        return max(self._wait(failures, now) for failures in found)

    @staticmethod
    def _wait(found: _Failures | None, now: float) -> float:
        if found is None or found.count <= FREE_FAILURES:
            return 0.0
        doublings = min(found.count - FREE_FAILURES - 1, 20)
        delay = min(LONGEST_DELAY_S, FIRST_DELAY_S * (1 << doublings))
        return max(0.0, found.last + delay - now)

    def failed(self, email: str, order_id: str) -> None:
        now = self._clock()
        with self._lock:
            for key in self._keys(email, order_id):
                found = self._failures.get(key)
                if found is None or now - found.last > FORGET_AFTER_S:
                    found = self._failures[key] = _Failures(0, now)
                found.count += 1
                found.last = now

    def succeeded(self, email: str, order_id: str) -> None:
        with self._lock:
            for key in self._keys(email, order_id):
                self._failures.pop(key, None)
