"""Rate limits: sliding-window counters from the `limits` library, in Redis when configured
(shared by every server process), in memory otherwise.

A sliding-window counter adds the previous window's count, weighted by how much of it still
lies within the last `window_s` seconds, to the current window's: unlike a fixed window, a
client cannot spend its allowance at the end of one window and again at the start of the
next. Refused hits are not counted, so the wait a refusal names is the real one. `limits`
(maintained, used by Flask-Limiter and SlowAPI) keeps the counts; this module keeps the one
call the app makes, `hit(key, limit, window_s)`, and fails open when Redis is unreachable.
"""

from __future__ import annotations

import logging
import math
import time
from typing import Protocol

from limits import RateLimitItemPerSecond
from limits.storage import MemoryStorage, RedisStorage, Storage
from limits.strategies import SlidingWindowCounterRateLimiter

log = logging.getLogger(__name__)


class RateLimiter(Protocol):
    def hit(self, key: str, limit: int, window_s: int = 60) -> float | None:
        """Count one request; the seconds to wait when over `limit` in this window, else None."""

    def close(self) -> None: ...


class SlidingWindowLimiter:
    """`RateLimiter` over a `limits` storage."""

    def __init__(self, storage: Storage) -> None:
        self._storage = storage
        self._limiter = SlidingWindowCounterRateLimiter(storage)

    def hit(self, key: str, limit: int, window_s: int = 60) -> float | None:
        item = RateLimitItemPerSecond(limit, window_s, namespace="relaydesk")
        if self._limiter.hit(item, key):
            return None
        reset_at = self._limiter.get_window_stats(item, key).reset_time
        return float(max(1, math.ceil(reset_at - time.time())))

    def close(self) -> None:
        self._storage.reset()


class MemoryRateLimiter(SlidingWindowLimiter):
    """Counts in this process: right for the embedded single-process setup."""

    def __init__(self) -> None:
        super().__init__(MemoryStorage())

    def close(self) -> None:
        storage = self._storage
        super().close()
        if isinstance(storage, MemoryStorage):
            storage.timer.cancel()  # its expiry timer would otherwise outlive the app


class RedisRateLimiter(SlidingWindowLimiter):
    """Counts shared by every server process; fails open (logged) if Redis is unreachable."""

    def __init__(self, url: str, prefix: str = "relaydesk:rl") -> None:
        super().__init__(RedisStorage(url, key_prefix=prefix, socket_timeout=0.5))

    def hit(self, key: str, limit: int, window_s: int = 60) -> float | None:
        try:
            return super().hit(key, limit, window_s)
        except Exception:
            # A limit is protection, not correctness: serve rather than fail every request.
            log.warning("Rate limit not counted: Redis unreachable", exc_info=True)
            return None

    def close(self) -> None:
        storage = self._storage
        if isinstance(storage, RedisStorage):
            storage.storage.close()  # the client; its keys expire on their own


def build_rate_limiter(redis_url: str | None) -> RateLimiter:
    return RedisRateLimiter(redis_url) if redis_url else MemoryRateLimiter()
