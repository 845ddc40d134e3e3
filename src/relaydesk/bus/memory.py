"""In-process bus for the single-process setup: thread-safe publish, asyncio subscribers."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from relaydesk.bus.base import Message

_QUEUE_LIMIT = 1000


class _MemorySubscription:
    def __init__(self, loop: asyncio.AbstractEventLoop) -> None:
        self.loop = loop
        self.queue: asyncio.Queue[Message] = asyncio.Queue(_QUEUE_LIMIT)

    def deliver(self, message: Message) -> None:
        # A slow subscriber loses notifications, not events: it re-reads the store anyway.
        if not self.queue.full():
            self.queue.put_nowait(message)

    async def messages(self) -> AsyncIterator[Message]:
        while True:
            yield await self.queue.get()


class MemoryBus:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._subscribers: dict[str, set[_MemorySubscription]] = {}

    def publish(self, topic: str, message: Message) -> None:
        with self._lock:
            targets = list(self._subscribers.get(topic, ()))
        for subscription in targets:
            try:
                subscription.loop.call_soon_threadsafe(subscription.deliver, message)
            except RuntimeError:  # its loop has closed; it will be removed on exit
                continue

    @asynccontextmanager
    async def subscribe(self, *topics: str) -> AsyncIterator[_MemorySubscription]:
        subscription = _MemorySubscription(asyncio.get_running_loop())
        with self._lock:
            for topic in topics:
                self._subscribers.setdefault(topic, set()).add(subscription)
        try:
            yield subscription
        finally:
            with self._lock:
                for topic in topics:
                    self._subscribers.get(topic, set()).discard(subscription)

    def close(self) -> None:
        with self._lock:
            self._subscribers.clear()
