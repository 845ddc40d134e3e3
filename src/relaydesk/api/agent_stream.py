"""The agent's live conversation socket, and the routing loop every server process runs."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any, Literal
from urllib.parse import urlsplit

import anyio
from fastapi import APIRouter, WebSocket, WebSocketDisconnect
from fastapi.concurrency import run_in_threadpool
from pydantic import BaseModel, Field, ValidationError

from relaydesk.api.agent import SESSION_COOKIE
from relaydesk.api.deps import Services, bearer_token
from relaydesk.api.errors import error_body
from relaydesk.api.schemas import EventOut
from relaydesk.bus.base import Subscription, conversation_topic
from relaydesk.desk.routing import RoutingDesk
from relaydesk.domain.agents import AgentAccount
from relaydesk.domain.errors import DomainError, Forbidden
from relaydesk.domain.model import ConversationId

log = logging.getLogger(__name__)
router = APIRouter()

ROUTING_INTERVAL = 1.0
POLL_SECONDS = 5.0
POLICY_VIOLATION = 1008


@asynccontextmanager
async def routing_loop(
    routing: RoutingDesk, interval: float = ROUTING_INTERVAL
) -> AsyncIterator[None]:
    """Queue escalations, release absent agents and assign, every `interval` seconds.

    Every process runs it; the store's compare-and-set keeps concurrent rounds harmless.
    """

    stop = asyncio.Event()

    async def run() -> None:
        while not stop.is_set():
            try:
                await run_in_threadpool(routing.tick)
            except Exception:
                log.exception("A routing round failed; retrying on the next one.")
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), interval)

    task = asyncio.create_task(run())
    try:
        yield
    finally:
        # Let a round in progress finish: its thread would otherwise outlive the engine.
        stop.set()
        await task


class AgentSocketIn(BaseModel):
    type: Literal["message", "note"]
    text: str = Field(max_length=20_000)
    idempotency_key: str = Field(min_length=1, max_length=180)


def _same_origin(websocket: WebSocket) -> bool:
    """Browsers always send Origin: refuse pages of other sites riding on the cookie."""
    origin = websocket.headers.get("origin")
    return origin is None or urlsplit(origin).netloc == websocket.headers.get("host")


async def _authenticate(websocket: WebSocket, services: Services) -> AgentAccount | None:
    token = bearer_token(websocket.headers.get("authorization")) or websocket.cookies.get(
        SESSION_COOKIE
    )
    if not _same_origin(websocket):
        return None
    try:
        session = await run_in_threadpool(services.agents.authenticate, token)
    except DomainError:
        return None
    return session.agent


@router.websocket("/v1/agent/conversations/{conversation_id}/stream")
async def stream_conversation(websocket: WebSocket, conversation_id: str, after: int = 0) -> None:
    services: Services = websocket.app.state.services
    agent = await _authenticate(websocket, services)
    if agent is None:
        await websocket.close(code=POLICY_VIOLATION, reason="Sign in as an agent first.")
        return
    streamer = _AgentStreamer(websocket, services, agent, ConversationId(conversation_id), after)
    try:
        await run_in_threadpool(streamer.check_access)
    except DomainError as error:
        await websocket.close(code=POLICY_VIOLATION, reason=error.message)
        return
    await websocket.accept()
    with contextlib.suppress(WebSocketDisconnect):
        await streamer.run()


class _AgentStreamer:
    def __init__(
        self,
        websocket: WebSocket,
        services: Services,
        agent: AgentAccount,
        conversation_id: ConversationId,
        cursor: int,
    ) -> None:
        self.websocket = websocket
        self.services = services
        self.agent = agent
        self.conversation_id = conversation_id
        self.cursor = max(cursor, 0)
        self.send_lock = asyncio.Lock()
        self.deliver_lock = asyncio.Lock()

    def check_access(self) -> None:
        self.services.agent_work.events_after(self.conversation_id, self.agent, 0, 1)

    async def run(self) -> None:
        async with self.services.bus.subscribe(conversation_topic(self.conversation_id)) as sub:
            await self.deliver_new_events()
            tasks = [
                asyncio.create_task(self.follow(sub)),
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
                await asyncio.wait_for(anext(notifications), POLL_SECONDS)
            await self.deliver_new_events()

    async def deliver_new_events(self) -> None:
        """Send everything after the cursor once, in order; access is re-checked each time."""
        work = self.services.agent_work
        async with self.deliver_lock:
            while True:
                events, cursor = await run_in_threadpool(
                    work.events_after, self.conversation_id, self.agent, self.cursor, 200
                )
                for event in events:
                    payload = EventOut.of(event).model_dump(mode="json")
                    await self.send({"type": "event", "event": payload})
                if cursor == self.cursor:
                    return
                self.cursor = cursor

    async def receive(self) -> None:
        while True:
            raw = await self.websocket.receive_json()
            try:
                incoming = AgentSocketIn.model_validate(raw)
                write = (
                    self.services.agent_work.reply
                    if incoming.type == "message"
                    else self.services.agent_work.note
                )
                event = await run_in_threadpool(
                    write, self.conversation_id, self.agent, incoming.text, incoming.idempotency_key
                )
            except ValidationError:
                message = "Send {type: 'message' | 'note', text, idempotency_key}."
                await self.send({"type": "error", **error_body("invalid_input", message)})
                continue
            except DomainError as error:
                await self.send({"type": "error", **error_body(error.code, error.message)})
                continue
            ack: dict[str, Any] = {
                "type": "ack",
                "idempotency_key": incoming.idempotency_key,
                "seq": event.seq,
            }
            await self.send(ack)
            await self.deliver_new_events()

    async def send(self, payload: dict[str, Any]) -> None:
        async with self.send_lock:
            await self.websocket.send_json(payload)
