"""Rate limits: fixed windows counted in Redis when configured, in memory otherwise.

A fixed window lets a client spend its whole allowance at the end of one window and again
at the start of the next; for abuse limits that is acceptable and it costs one INCR.
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
    """The current window's number and the seconds left in it."""
    index = int(now // window_s)
    return index, (index + 1) * window_s - now


class MemoryRateLimiter:
    """Counts in this process: right for the embedded single-process setup."""

    def __init__(self, clock: Clock = time.time) -> None:
        self._clock = clock
        self._counts: dict[tuple[str, int], int] = {}
        self._lock = threading.Lock()
        self._current = -1

    def hit(self, key: str, limit: int, window_s: int = 60) -> float | None:
        index, left = _window(self._clock(), window_s)
        with self._lock:
            if index != self._current:  # forget finished windows
                self._counts = {k: v for k, v in self._counts.items() if k[1] >= index}
                self._current = index
            count = self._counts.get((key, index), 0) + 1
            self._counts[(key, index)] = count
        return math.ceil(left) if count > limit else None

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
        index, left = _window(self._clock(), window_s)
        name = f"{self._prefix}:{key}:{index}"
        try:
            pipe = self._redis.pipeline()
            pipe.incr(name)
            pipe.expire(name, window_s + 1, nx=True)
            count = int(pipe.execute()[0])
        except Exception:
            # A limit is protection, not correctness: serve rather than fail every request.
            log.warning("Rate limit not counted: Redis unreachable", exc_info=True)
            return None
        return math.ceil(left) if count > limit else None

    def close(self) -> None:
        self._redis.close()


def build_rate_limiter(redis_url: str | None) -> RateLimiter:
    return RedisRateLimiter(redis_url) if redis_url else MemoryRateLimiter()
