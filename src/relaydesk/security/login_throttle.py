"""Growing delays after failed sign-ins, instead of a lock anyone could trigger.

Three counters, each with a few free failures and then a delay that doubles with every
further failure, forgotten after an hour without failures:

- per email and address: the guesser's own address slows down quickly (up to 15 minutes);
- per address, any email: one address trying many accounts slows down too;
- per email, any address: guessing spread over many addresses slows down gently, capped at a
  minute, so nobody can keep the real person out for longer than that. An address counts
  here only with its free failures, so one guessing address never delays the real person.

The counts are `relaydesk.tools.attempts` scopes: in the database when the app wires
`StoredAttempts` (every server process and host sees them), in this process otherwise.
"""

from __future__ import annotations

import math
from datetime import datetime, timedelta

from relaydesk.domain.errors import RateLimited
from relaydesk.tools.attempts import AttemptLimits, AttemptScope, MemoryAttempts

FORGET_AFTER = timedelta(hours=1)


class TooManyAttempts(RateLimited):
    code = "too_many_attempts"

    def __init__(self, wait: timedelta) -> None:
        self.wait_seconds = max(1, math.ceil(wait.total_seconds()))
        unit = "second" if self.wait_seconds == 1 else "seconds"
        super().__init__(f"Too many failed sign-ins; try again in {self.wait_seconds} {unit}.")


def _rule(key: str, free: int, longest: timedelta) -> AttemptScope:
    return AttemptScope(
        key,
        free_failures=free,
        first_delay_s=1.0,
        longest_delay_s=longest.total_seconds(),
        forget_after_s=FORGET_AFTER.total_seconds(),
    )


PAIR_FREE_FAILURES = 5


class LoginThrottle:
    """Counts failed sign-ins and says how long the next attempt must wait."""

    def __init__(self, counts: AttemptLimits | None = None) -> None:
        self._counts = counts or MemoryAttempts()

    @staticmethod
    def _scopes(email: str, address: str) -> tuple[AttemptScope, AttemptScope, AttemptScope]:
        email = email.strip().lower()
        return (
            _rule(f"login:pair:{email}\n{address}", PAIR_FREE_FAILURES, timedelta(minutes=15)),
            _rule(f"login:address:{address}", 20, timedelta(minutes=15)),
            _rule(f"login:email:{email}", 50, timedelta(minutes=1)),
        )

    def check(self, email: str, address: str, now: datetime) -> None:
        """TooManyAttempts if any counter still asks this attempt to wait."""
        wait = self._counts.wait_s(self._scopes(email, address), now.timestamp())
        if wait > 0:
            raise TooManyAttempts(timedelta(seconds=wait))

    def failed(self, email: str, address: str, now: datetime) -> None:
        pair, by_address, by_email = self._scopes(email, address)
        (pair_count, _) = self._counts.failed([pair, by_address], now.timestamp())
        if pair_count <= PAIR_FREE_FAILURES:  # one address counts toward the account only
            self._counts.failed([by_email], now.timestamp())  # with its free tries

    def succeeded(self, email: str, address: str) -> None:
        """The right password clears the guesses for this email, not the address's count."""
        pair, _by_address, by_email = self._scopes(email, address)
        self._counts.succeeded([pair, by_email])
