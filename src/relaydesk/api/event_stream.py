"""One conversation's events over a websocket: from a cursor, once, in order, live.

Both the customer's and the agent's sockets use it. Bus messages only say "something
changed"; the stream then reads the store after its cursor, so a lost notification delays
delivery (the store is polled too) but never loses or doubles an event. The server sends
{"type": "ping"} every heartbeat and closes a socket that has sent nothing (a pong will do)
for the idle timeout; every other frame the client sends is counted before it is handled.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

import anyio
from fastapi import WebSocket, WebSocketDisconnect
from fastapi.concurrency import run_in_threadpool

from relaydesk.api.errors import error_body
from relaydesk.api.schemas import EventOut
from relaydesk.api.socket_frames import SocketLimits, is_pong, read_frame
from relaydesk.bus.base import EventBus, Message, Subscription
from relaydesk.domain.errors import DomainError, Forbidden
from relaydesk.domain.model import Event

POLL_SECONDS = 5.0
POLICY_VIOLATION = 1008
GOING_AWAY = 1001
PAGE = 200
MAX_CURSOR = 2**31 - 1  # larger values overflow SQLite's integer comparison

ReadAfter = Callable[[int, int], tuple[list[Event], int]]
# Handles one frame from the client; returns the acknowledgement to send back, if any.
HandleFrame = Callable[[Any], Awaitable[dict[str, Any] | None]]
# Counts one frame against the sender's budget; raises RateLimited when it is spent.
CountFrame = Callable[[], Awaitable[None]]
# Checks the sender may still use the socket; raises Forbidden when not.
Authorise = Callable[[], Awaitable[None]]
# A client that went away mid-send: uvicorn raises OSError, Starlette RuntimeError.
CLIENT_GONE = (WebSocketDisconnect, OSError)


class ClientSilent(Exception):
    """The client answered no heartbeat and sent nothing for the idle timeout."""


async def _nothing() -> None:
    return None


class EventStream:
    def __init__(
        self,
        websocket: WebSocket,
        bus: EventBus,
        topic: str,
        cursor: int,
        read_after: ReadAfter,
        handle_frame: HandleFrame,
        *,
        limits: SocketLimits | None = None,
        count_frame: CountFrame = _nothing,
        authorise: Authorise = _nothing,
        authorise_every_s: float | None = None,
    ) -> None:
        self.websocket = websocket
        self.bus = bus
        self.topic = topic
        self.cursor = min(max(cursor, 0), MAX_CURSOR)
        self.read_after = read_after
        self.handle_frame = handle_frame
        self.limits = limits or SocketLimits()
        self.count_frame = count_frame
        self.authorise = authorise
        self.authorise_every_s = authorise_every_s
        self.send_lock = asyncio.Lock()
        self.deliver_lock = asyncio.Lock()
        self.pings_unanswered = 0
        self.last_heard = 0.0

    async def run(self) -> None:
        """Stream until the client leaves; access lost midway closes the socket with a reason."""
        self.last_heard = asyncio.get_running_loop().time()
        async with self.bus.subscribe(self.topic) as subscription:
            tasks = [
                asyncio.create_task(self.follow(subscription)),
                asyncio.create_task(self.receive()),
                asyncio.create_task(self.beat()),
            ]
            if self.authorise_every_s is not None:
                tasks.append(asyncio.create_task(self.keep_authorised(self.authorise_every_s)))
            try:
                done, _ = await asyncio.wait(tasks, return_when=asyncio.FIRST_COMPLETED)
                for task in done:
                    task.result()
            except Forbidden as error:
                await self.close(POLICY_VIOLATION, error.message)
            except ClientSilent:
                await self.close(GOING_AWAY, "No heartbeat answered; reconnect to resume.")
            except CLIENT_GONE:
                pass
            finally:
                for task in tasks:
                    task.cancel()
                # Shielded: a repeated cancel must not leave a store read running on its own.
                with anyio.CancelScope(shield=True):
                    await asyncio.gather(*tasks, return_exceptions=True)

    async def close(self, code: int, reason: str) -> None:
        with contextlib.suppress(*CLIENT_GONE, RuntimeError):  # it may have left already
            await self.websocket.close(code=code, reason=reason)

    async def follow(self, subscription: Subscription) -> None:
        await self.deliver_new_events()
        notifications = subscription.messages()

        async def next_notice() -> Message:
            return await anext(notifications)

        # One read stays pending across polls: cancelling it would close the generator.
        pending: asyncio.Task[Message] | None = None
        try:
            while True:
                pending = pending or asyncio.create_task(next_notice())
                done, _ = await asyncio.wait({pending}, timeout=POLL_SECONDS)
                if done:
                    notice, pending = pending.result(), None
                    if await self.show_transient(notice):
                        continue
                await self.deliver_new_events()
        finally:
            if pending is not None:
                pending.cancel()

    async def show_transient(self, notice: Message) -> bool:
        """Send a notice that is never stored; True when `notice` was one."""
        if "draft" in notice:  # a model's answer being written: shown, never stored
            await self.send({"type": "draft", "text": notice["draft"]})
            return True
        if "typing" in notice:  # a person writing a reply: transient too
            await self.send({"type": "typing", "name": str(notice["typing"])})
            return True
        return False

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

    async def beat(self) -> None:
        """A ping every heartbeat; a client silent for the idle timeout is let go."""
        loop = asyncio.get_running_loop()
        while True:
            await asyncio.sleep(self.limits.heartbeat_s)
            if loop.time() - self.last_heard > self.limits.idle_timeout_s:
                raise ClientSilent
            self.pings_unanswered += 1
            await self.send({"type": "ping"})

    async def keep_authorised(self, every_s: float) -> None:
        """Re-check the account often: disabled or signed out ends the socket within that."""
        while True:
            await asyncio.sleep(every_s)
            await self.authorise()

    async def receive(self) -> None:
        while True:
            message = await self.websocket.receive()
            if message["type"] == "websocket.disconnect":
                raise WebSocketDisconnect(message.get("code", 1000))
            self.last_heard = asyncio.get_running_loop().time()
            try:
                await self.take(message)
            except Forbidden:
                raise
            except DomainError as error:
                await self.send({"type": "error", **error_body(error.code, error.message)})

    async def take(self, message: MutableMapping[str, Any]) -> None:
        """Read, count, authorise and handle one frame; a pong for a ping is free."""
        try:
            frame = read_frame(message, self.limits.max_frame_bytes)
        except DomainError:
            await self.count_frame()  # refused frames are counted too
            raise
        if is_pong(frame):
            if self.pings_unanswered > 0:
                self.pings_unanswered -= 1
            else:  # a pong nobody asked for costs like any other frame
                await self.count_frame()
            return
        await self.count_frame()
        await self.authorise()
        ack = await self.handle_frame(frame)
        if ack is None:  # a transient signal: nothing was stored
            return
        await self.send(ack)
        await self.deliver_new_events()

    async def send(self, payload: dict[str, Any]) -> None:
        async with self.send_lock:
            await self.websocket.send_json(payload)
