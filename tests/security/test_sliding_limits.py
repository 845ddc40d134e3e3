"""The per-address limit slides: a window boundary never doubles what fits in a second."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator

import pytest

from relaydesk.security.ratelimit import MemoryRateLimiter, RateLimiter, RedisRateLimiter
from support.services import REDIS_URL, require_redis

LIMIT = 1200
WINDOW_START = 1_800_000_000.0  # a multiple of 60: the start of a fixed minute


class Clock:
    def __init__(self, now: float) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


def memory(clock: Clock) -> RateLimiter:
    return MemoryRateLimiter(clock=clock)


def redis(clock: Clock) -> RateLimiter:
    require_redis()
    return RedisRateLimiter(REDIS_URL, clock=clock, prefix=f"relaydesk:test:{uuid.uuid4().hex}")


@pytest.fixture(params=[memory, redis], ids=["memory", "redis"])
def limiter_and_clock(
    request: pytest.FixtureRequest,
) -> Iterator[tuple[RateLimiter, Clock]]:
    make: Callable[[Clock], RateLimiter] = request.param
    clock = Clock(WINDOW_START - 0.5)
    limiter = make(clock)
    yield limiter, clock
    limiter.close()


def test_requests_around_a_window_boundary_get_one_allowance_not_two(
    limiter_and_clock: tuple[RateLimiter, Clock],
) -> None:
    limiter, clock = limiter_and_clock
    allowed = 0
    for n in range(2 * LIMIT):  # evenly over the second around the boundary
        clock.now = WINDOW_START - 0.5 + n / (2 * LIMIT)
        allowed += limiter.hit("ip:198.51.100.7", LIMIT) is None
    assert LIMIT <= allowed <= LIMIT + LIMIT // 100  # a fixed window let 2,400 through


def test_a_refused_client_is_told_a_wait_after_which_it_is_served(
    limiter_and_clock: tuple[RateLimiter, Clock],
) -> None:
    limiter, clock = limiter_and_clock
    for _ in range(3):
        limiter.hit("conversation:c1", 3)
    wait = limiter.hit("conversation:c1", 3)
    assert wait is not None and 1 <= wait <= 120
    clock.now += wait
    assert limiter.hit("conversation:c1", 3) is None
