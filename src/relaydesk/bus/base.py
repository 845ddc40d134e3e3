"""The bus interface. Messages are notifications; the store stays the source of truth."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import AbstractAsyncContextManager
from typing import Any, Protocol

Message = dict[str, Any]


class Subscription(Protocol):
    def messages(self) -> AsyncIterator[Message]: ...


class EventBus(Protocol):
    """Publish from any thread; subscribe from the event loop."""

    def publish(self, topic: str, message: Message) -> None: ...

    def subscribe(self, *topics: str) -> AbstractAsyncContextManager[Subscription]: ...

    def close(self) -> None: ...


def conversation_topic(conversation_id: str) -> str:
    return f"conversation:{conversation_id}"
