"""Growing delays after failed sign-ins, instead of a lock anyone could trigger.

Three counters, each with a few free failures and then a delay that doubles with every
further failure, forgotten after an hour without failures:

- per email and address: the guesser's own address slows down quickly (up to 15 minutes);
- per address, any email: one address trying many accounts slows down too;
- per email, any address: guessing spread over many addresses slows down gently, capped at a
  minute, so nobody can keep the real person out for longer than that. An address counts
  here only with its free failures, so one guessing address never delays the real person.

Counts live in this process (like the per-process rate limits without Redis).
"""

from __future__ import annotations

import math
import threading
from dataclasses import dataclass
from datetime import datetime, timedelta

from relaydesk.domain.errors import RateLimited

FORGET_AFTER = timedelta(hours=1)


class TooManyAttempts(RateLimited):
    code = "too_many_attempts"

    def __init__(self, wait: timedelta) -> None:
        self.wait_seconds = max(1, math.ceil(wait.total_seconds()))
        unit = "second" if self.wait_seconds == 1 else "seconds"
        super().__init__(f"Too many failed sign-ins; try again in {self.wait_seconds} {unit}.")


@dataclass(frozen=True)
class BackoffRule:
    free_failures: int
    first_delay: timedelta
    longest_delay: timedelta

    def delay(self, failures: int) -> timedelta:
        """How long after the last failure the next attempt must wait."""
        beyond = failures - self.free_failures
        if beyond <= 0:
            return timedelta(0)
        return min(self.longest_delay, self.first_delay * (1 << min(beyond - 1, 30)))


PER_EMAIL_AND_ADDRESS = BackoffRule(5, timedelta(seconds=1), timedelta(minutes=15))
PER_ADDRESS = BackoffRule(20, timedelta(seconds=1), timedelta(minutes=15))
PER_EMAIL = BackoffRule(50, timedelta(seconds=1), timedelta(minutes=1))


@dataclass
class _Failures:
    count: int
    last: datetime


class LoginThrottle:
    """Counts failed sign-ins and says how long the next attempt must wait."""

    def __init__(self) -> None:
        self._failures: dict[tuple[str, str], _Failures] = {}
        self._lock = threading.Lock()

    @staticmethod
    def _keys(email: str, address: str) -> list[tuple[tuple[str, str], BackoffRule]]:
        email = email.strip().lower()
        return [
            (("pair", f"{email}\n{address}"), PER_EMAIL_AND_ADDRESS),
            (("address", address), PER_ADDRESS),
            (("email", email), PER_EMAIL),
        ]

    def check(self, email: str, address: str, now: datetime) -> None:
        """TooManyAttempts if any counter still asks this attempt to wait."""
        waits = []
        with self._lock:
            for key, rule in self._keys(email, address):
                found = self._failures.get(key)
                if found is None:
                    continue
                ready_at = found.last + rule.delay(found.count)
                if ready_at > now:
                    waits.append(ready_at - now)
        if waits:
            raise TooManyAttempts(max(waits))

    def failed(self, email: str, address: str, now: datetime) -> None:
        with self._lock:
            pair_count = 0
            for key, _rule in self._keys(email, address):
                if key[0] == "email" and pair_count > PER_EMAIL_AND_ADDRESS.free_failures:
                    continue  # one address counts toward the account only with its free tries
                found = self._failures.get(key)
                if found is None or now - found.last > FORGET_AFTER:
                    found = self._failures[key] = _Failures(0, now)
                found.count += 1
                found.last = now
                if key[0] == "pair":
                    pair_count = found.count
            if len(self._failures) > 100_000:  # forget the oldest quiet ones
                self._forget_before(now - FORGET_AFTER)

    def succeeded(self, email: str, address: str) -> None:
        """The right password clears the guesses for this email, not the address's count."""
        with self._lock:
            for key, _rule in self._keys(email, address):
                if key[0] != "address":
                    self._failures.pop(key, None)

    def _forget_before(self, moment: datetime) -> None:
        self._failures = {k: v for k, v in self._failures.items() if v.last >= moment}
