"""The per-address limit slides: a window boundary never doubles what fits in a second."""

from __future__ import annotations

import time
import uuid
from collections.abc import Iterator

import pytest

from relaydesk.security.ratelimit import MemoryRateLimiter, RedisRateLimiter
from support.limits_clock import limiter_clock
from support.services import REDIS_URL, require_redis

LIMIT = 1200
WINDOW_START = 1_800_000_000.0  # a multiple of 60: the start of a fixed minute


@pytest.fixture
def memory_limiter() -> Iterator[MemoryRateLimiter]:
    limiter = MemoryRateLimiter()
    yield limiter
    limiter.close()


@pytest.fixture
def redis_limiter() -> Iterator[RedisRateLimiter]:
    require_redis()
    limiter = RedisRateLimiter(REDIS_URL, prefix=f"relaydesk:test:{uuid.uuid4().hex}")
    yield limiter
    limiter.close()


def test_requests_around_a_window_boundary_get_one_allowance_not_two(
    memory_limiter: MemoryRateLimiter,
) -> None:
    with limiter_clock(WINDOW_START - 0.5) as clock:
        allowed = 0
        for n in range(2 * LIMIT):  # evenly over the second around the boundary
            clock.now = WINDOW_START - 0.5 + n / (2 * LIMIT)
            allowed += memory_limiter.hit("ip:198.51.100.7", LIMIT) is None
    assert LIMIT <= allowed <= LIMIT + LIMIT // 100  # a fixed window let 2,400 through


def test_a_burst_just_after_a_window_turns_gets_only_what_has_faded_on_redis(
    redis_limiter: RedisRateLimiter,
) -> None:
    # Real time: Redis keeps the windows. A fixed one-second window would allow 50 again.
    first = sum(redis_limiter.hit("ip:198.51.100.8", 50, 1) is None for _ in range(60))
    time.sleep(1.1)
    second = sum(redis_limiter.hit("ip:198.51.100.8", 50, 1) is None for _ in range(60))
    assert first == 50
    assert 1 <= second <= 25


def test_a_refused_client_is_told_a_wait_after_which_it_is_served(
    memory_limiter: MemoryRateLimiter,
) -> None:
    with limiter_clock(WINDOW_START - 0.5) as clock:
        for _ in range(3):
            memory_limiter.hit("conversation:c1", 3)
        wait = memory_limiter.hit("conversation:c1", 3)
        assert wait is not None and 1 <= wait <= 120
        clock.now += wait
        assert memory_limiter.hit("conversation:c1", 3) is None


def test_a_refused_client_is_told_a_wait_after_which_it_is_served_on_redis(
    redis_limiter: RedisRateLimiter,
) -> None:
    for _ in range(3):
        redis_limiter.hit("conversation:c1", 3, 1)
    wait = redis_limiter.hit("conversation:c1", 3, 1)
    assert wait is not None and 1 <= wait <= 2
    time.sleep(wait)
    assert redis_limiter.hit("conversation:c1", 3, 1) is None
