"""The bus interface. Messages are notifications; the store stays the source of truth."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import AbstractAsyncContextManager
from typing import Any, Protocol

Message = dict[str, Any]
log = logging.getLogger(__name__)


class Subscription(Protocol):
    def messages(self) -> AsyncIterator[Message]: ...


class EventBus(Protocol):
    """Publish from any thread; subscribe from the event loop."""

    def publish(self, topic: str, message: Message) -> None: ...

    def subscribe(self, *topics: str) -> AbstractAsyncContextManager[Subscription]: ...

    def close(self) -> None: ...


def conversation_topic(conversation_id: str) -> str:
    return f"conversation:{conversation_id}"


def notify_changed(bus: EventBus, conversation_id: str) -> None:
    """Tell a conversation's subscribers it changed. Best effort: subscribers also poll the
    store, so a lost notification only delays delivery and never fails the change itself."""
    try:
        bus.publish(conversation_topic(conversation_id), {"conversation_id": conversation_id})
    except Exception:
        log.warning("Could not publish a notification for %s", conversation_id, exc_info=True)
