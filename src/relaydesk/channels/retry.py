"""Backoff shared by the email outbox and webhook deliveries."""

from __future__ import annotations

import random
from datetime import timedelta

FIRST_DELAY_S = 2.0
LONGEST_DELAY_S = 3600.0


def backoff(attempts: int, first_s: float = FIRST_DELAY_S) -> timedelta:
    """Exponential with jitter: 2 s, 4 s, 8 s ... at most an hour, never in lock-step."""
    base = min(LONGEST_DELAY_S, first_s * 2 ** max(0, attempts - 1))
    return timedelta(seconds=base * random.uniform(0.8, 1.2))
