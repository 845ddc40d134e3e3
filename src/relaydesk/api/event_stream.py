"""One conversation's events over a websocket: from a cursor, once, in order, live.

Both the customer's and the agent's sockets use it. Bus messages only say "something
changed"; the stream then reads the store after its cursor, so a lost notification delays
delivery (the store is polled too) but never loses or doubles an event.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Awaitable, Callable
from typing import Any

import anyio
from fastapi import WebSocket
from fastapi.concurrency import run_in_threadpool

from relaydesk.api.errors import error_body
from relaydesk.api.schemas import EventOut
from relaydesk.bus.base import EventBus, Subscription
from relaydesk.domain.errors import DomainError, Forbidden
from relaydesk.domain.model import Event

POLL_SECONDS = 5.0
POLICY_VIOLATION = 1008
PAGE = 200
MAX_CURSOR = 2**31 - 1  # larger values overflow SQLite's integer comparison

ReadAfter = Callable[[int, int], tuple[list[Event], int]]
# Handles one frame from the client; returns the acknowledgement to send back, if any.
HandleFrame = Callable[[Any], Awaitable[dict[str, Any] | None]]


class EventStream:
    def __init__(
        self,
        websocket: WebSocket,
        bus: EventBus,
        topic: str,
        cursor: int,
        read_after: ReadAfter,
        handle_frame: HandleFrame,
    ) -> None:
        self.websocket = websocket
        self.bus = bus
        self.topic = topic
        self.cursor = min(max(cursor, 0), MAX_CURSOR)
        self.read_after = read_after
        self.handle_frame = handle_frame
        self.send_lock = asyncio.Lock()
        self.deliver_lock = asyncio.Lock()

    async def run(self) -> None:
        """Stream until the client leaves; access lost midway closes the socket with a reason."""
        async with self.bus.subscribe(self.topic) as subscription:
            await self.deliver_new_events()
            tasks = [
                asyncio.create_task(self.follow(subscription)),
                asyncio.create_task(self.receive()),
            ]
            try:
                done, _ = await asyncio.wait(tasks, return_when=asyncio.FIRST_EXCEPTION)
                for task in done:
                    task.result()
            except Forbidden as error:
                await self.websocket.close(code=POLICY_VIOLATION, reason=error.message)
            finally:
                for task in tasks:
                    task.cancel()
                # Shielded: a repeated cancel must not leave a store read running on its own.
                with anyio.CancelScope(shield=True):
                    await asyncio.gather(*tasks, return_exceptions=True)

    async def follow(self, subscription: Subscription) -> None:
        notifications = subscription.messages()
        while True:
            with contextlib.suppress(TimeoutError):
                notice = await asyncio.wait_for(anext(notifications), POLL_SECONDS)
                if "draft" in notice:  # a model's answer being written: shown, never stored
                    await self.send({"type": "draft", "text": notice["draft"]})
                    continue
                if "typing" in notice:  # a person writing a reply: transient too
                    await self.send({"type": "typing", "name": str(notice["typing"])})
                    continue
            await self.deliver_new_events()

    async def deliver_new_events(self) -> None:
        """Send everything after the cursor, once and in order, whoever asks first."""
        async with self.deliver_lock:
            while True:
                events, cursor = await run_in_threadpool(self.read_after, self.cursor, PAGE)
                for event in events:
                    shown = EventOut.of(event).model_dump(mode="json")
                    await self.send({"type": "event", "event": shown})
                if cursor == self.cursor:
                    return
                self.cursor = cursor

    async def receive(self) -> None:
        while True:
            raw = await self.websocket.receive_json()
            try:
                ack = await self.handle_frame(raw)
            except Forbidden:
                raise
            except DomainError as error:
                await self.send({"type": "error", **error_body(error.code, error.message)})
                continue
            if ack is None:  # a transient signal: nothing was stored
                continue
            await self.send(ack)
            await self.deliver_new_events()

    async def send(self, payload: dict[str, Any]) -> None:
        async with self.send_lock:
            await self.websocket.send_json(payload)
