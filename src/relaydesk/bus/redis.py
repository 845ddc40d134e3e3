"""Redis pub/sub bus, so several API processes deliver each other's events."""

from __future__ import annotations

import json
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


class RedisBus:
    def __init__(self, url: str, prefix: str = "relaydesk:") -> None:
        self._url = url
        self._prefix = prefix
        self._client = redis.Redis.from_url(url)

    def publish(self, topic: str, message: Message) -> None:
        self._client.publish(self._prefix + topic, json.dumps(message, default=str))

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
        self._client.close()
