"""Redis pub/sub bus, so several API processes deliver each other's events.

Publishing is off the request's path: `publish` queues the notification and one sender
thread per process sends what has queued up in one pipelined round trip. A notification
only says "something changed" (streamers re-read the store and also poll), so one dropped
while Redis is away delays delivery and loses nothing.
"""

from __future__ import annotations

import json
import logging
import queue
import threading
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from typing import Any

import redis
import redis.asyncio as aioredis

from relaydesk.bus.base import Message


class _RedisSubscription:
    def __init__(self, pubsub: Any) -> None:
        self._pubsub = pubsub

    async def messages(self) -> AsyncIterator[Message]:
        while True:
            raw = await self._pubsub.get_message(ignore_subscribe_messages=True, timeout=30.0)
            if raw is None or raw.get("type") != "message":
                continue
            yield json.loads(raw["data"])


log = logging.getLogger(__name__)
OUTBOX_LIMIT = 10_000
STOP = None


class RedisBus:
    def __init__(self, url: str, prefix: str = "relaydesk:") -> None:
        self._url = url
        self._prefix = prefix
        self._client = redis.Redis.from_url(url, socket_timeout=2.0)
        self._outbox: queue.Queue[tuple[str, str] | None] = queue.Queue(OUTBOX_LIMIT)
        self._sender: threading.Thread | None = None
        self._sender_lock = threading.Lock()

    def publish(self, topic: str, message: Message) -> None:
        """Queue the notification for the sender thread; never waits for Redis."""
        self._start_sender()
        try:
            self._outbox.put_nowait((self._prefix + topic, json.dumps(message, default=str)))
        except queue.Full:
            log.warning("Redis notifications are backing up; dropped one for %s", topic)

    def _start_sender(self) -> None:
        if self._sender is not None:
            return
        with self._sender_lock:
            if self._sender is None:
                self._sender = threading.Thread(
                    target=self._send_until_stopped, name="redis-bus-sender", daemon=True
                )
                self._sender.start()

    def _send_until_stopped(self) -> None:
        while True:
            batch = [self._outbox.get()]
            while batch[-1] is not STOP and not self._outbox.empty():
                batch.append(self._outbox.get_nowait())  # one round trip for all waiting
            pending = [item for item in dict.fromkeys(batch) if item is not STOP]
            if pending:
                self._send(pending)
            if batch[-1] is STOP:
                return

    def _send(self, pending: list[tuple[str, str]]) -> None:
        try:
            pipe = self._client.pipeline(transaction=False)
            for channel, data in pending:
                pipe.publish(channel, data)
            pipe.execute()
        except Exception:
            log.warning(
                "Could not publish %d notification(s) on Redis", len(pending), exc_info=True
            )

    @asynccontextmanager
    async def subscribe(self, *topics: str) -> AsyncIterator[_RedisSubscription]:
        client = aioredis.Redis.from_url(self._url)
        pubsub = client.pubsub()
        await pubsub.subscribe(*(self._prefix + topic for topic in topics))
        try:
            yield _RedisSubscription(pubsub)
        finally:
            await pubsub.unsubscribe()
            # Bound first: redis < 8.2 leaves aclose() untyped, newer releases type it.
            close_pubsub: Callable[[], Awaitable[None]] = pubsub.aclose
            await close_pubsub()
            await client.aclose()

    def close(self) -> None:
        """Send what is queued, then stop the sender and close the connection."""
        if self._sender is not None:
            self._outbox.put(STOP)
            self._sender.join(timeout=5)
        self._client.close()
