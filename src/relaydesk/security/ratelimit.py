"""Rate limits: sliding windows counted in Redis when configured, in memory otherwise.

A sliding-window counter: the count of the current fixed window plus the previous window's
count weighted by how much of it still lies within the last `window_s` seconds. Unlike a
fixed window, a client cannot spend its allowance at the end of one window and again at
the start of the next; it costs one INCR and one GET. Refused hits are not counted, so the
wait a refusal names is the real one; the estimate assumes the previous window's hits were
spread evenly, so a wait can be up to two windows after a burst at the start of one.
"""

from __future__ import annotations

import logging
import math
import threading
import time
from collections.abc import Callable
from typing import Any, Protocol

log = logging.getLogger(__name__)
Clock = Callable[[], float]


class RateLimiter(Protocol):
    def hit(self, key: str, limit: int, window_s: int = 60) -> float | None:
        """Count one request; the seconds to wait when over `limit` in this window, else None."""

    def close(self) -> None: ...


def _window(now: float, window_s: int) -> tuple[int, float]:
    """The current window's number and the seconds already spent in it."""
    index = int(now // window_s)
    return index, now - index * window_s


def _wait(previous: int, current: int, elapsed: float, limit: int, window_s: int) -> float | None:
    """None when this hit fits in `limit`, else the seconds until the next one would."""
    weight = 1 - elapsed / window_s
    if previous * weight + current <= limit:
        return None
    current -= 1  # the refused hit is not kept
    room = limit - 1 - current  # what the previous window's share must fade to
    if room >= 0 and previous:  # it fades enough within this window
        wait = window_s * (1 - room / previous) - elapsed
    else:  # only in the next one, where this window's count becomes the fading share
        fades_to = max(0.0, window_s * (1 - (limit - 1) / max(current, 1)))
        wait = window_s - elapsed + fades_to
    return max(1, math.ceil(wait))


class MemoryRateLimiter:
    """Counts in this process: right for the embedded single-process setup."""

    def __init__(self, clock: Clock = time.time) -> None:
        self._clock = clock
        self._counts: dict[tuple[str, int], int] = {}
        self._lock = threading.Lock()
        self._current = -1

    def hit(self, key: str, limit: int, window_s: int = 60) -> float | None:
        index, elapsed = _window(self._clock(), window_s)
        with self._lock:
            if index != self._current:  # forget windows that no longer overlap
                self._counts = {k: v for k, v in self._counts.items() if k[1] >= index - 1}
                self._current = index
            current = self._counts.get((key, index), 0) + 1
            previous = self._counts.get((key, index - 1), 0)
            wait = _wait(previous, current, elapsed, limit, window_s)
            if wait is None:
                self._counts[(key, index)] = current
        return wait

    def close(self) -> None:
        self._counts.clear()


class RedisRateLimiter:
    """Counts shared by every server process; fails open (logged) if Redis is unreachable."""

    def __init__(self, url: str, clock: Clock = time.time, prefix: str = "relaydesk:rl") -> None:
        import redis  # only when configured

        self._redis: Any = redis.Redis.from_url(url, socket_timeout=0.5)
        self._clock = clock
        self._prefix = prefix

    def hit(self, key: str, limit: int, window_s: int = 60) -> float | None:
        index, elapsed = _window(self._clock(), window_s)
        name = f"{self._prefix}:{key}:{index}"
        try:
            pipe = self._redis.pipeline()
            pipe.incr(name)
            pipe.expire(name, 2 * window_s + 1, nx=True)  # it is the previous window next
            pipe.get(f"{self._prefix}:{key}:{index - 1}")
            current, _, previous = pipe.execute()
            wait = _wait(int(previous or 0), int(current), elapsed, limit, window_s)
            if wait is not None:
                self._redis.decr(name)  # a refused hit does not count
        except Exception:
            # A limit is protection, not correctness: serve rather than fail every request.
            log.warning("Rate limit not counted: Redis unreachable", exc_info=True)
            return None
        return wait

    def close(self) -> None:
        self._redis.close()


def build_rate_limiter(redis_url: str | None) -> RateLimiter:
    return RedisRateLimiter(redis_url) if redis_url else MemoryRateLimiter()
