"""The agent's live conversation socket, and the routing loop every server process runs."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any, Literal
from urllib.parse import urlsplit

from fastapi import APIRouter, WebSocket, WebSocketDisconnect
from fastapi.concurrency import run_in_threadpool
from pydantic import BaseModel, Field, ValidationError

from relaydesk.api.agent import SESSION_COOKIE
from relaydesk.api.deps import Services, bearer_token
from relaydesk.api.event_stream import POLICY_VIOLATION, EventStream
from relaydesk.api.socket_frames import SocketLimits
from relaydesk.bus.base import conversation_topic
from relaydesk.desk.routing import RoutingDesk
from relaydesk.desk.typing_signals import agent_typing
from relaydesk.domain.agents import AgentAccount
from relaydesk.domain.errors import DomainError, Forbidden, InvalidInput, RateLimited
from relaydesk.domain.model import ConversationId

log = logging.getLogger(__name__)
router = APIRouter()

ROUTING_INTERVAL = 1.0
# The console throttles typing signals; this keeps a misbehaving client from flooding the bus.
TYPING_MIN_SECONDS = 1.0
# How often an open agent socket re-checks its session: disabling or signing out ends it.
ACCOUNT_CHECK_SECONDS = 0.5


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


class TypingSignal:
    """One socket's typing signals: at most one per TYPING_MIN_SECONDS reaches the bus."""

    def __init__(self, services: Services, cid: ConversationId, agent: AgentAccount) -> None:
        self.services = services
        self.cid = cid
        self.agent = agent
        self.last = float("-inf")

    @staticmethod
    def matches(raw: Any) -> bool:
        return isinstance(raw, dict) and raw.get("type") == "typing"

    async def send(self) -> None:
        now = time.monotonic()
        if now - self.last < TYPING_MIN_SECONDS:
            return
        self.last = now
        # Someone who does not hold the conversation (a supervisor reading) shows nothing.
        store, bus = self.services.store, self.services.bus
        with contextlib.suppress(Forbidden):
            await run_in_threadpool(agent_typing, store, bus, self.cid, self.agent)


def _same_origin(websocket: WebSocket) -> bool:
    """Browsers always send Origin: refuse pages of other sites riding on the cookie."""
    origin = websocket.headers.get("origin")
    return origin is None or urlsplit(origin).netloc == websocket.headers.get("host")


def _session_token(websocket: WebSocket) -> str | None:
    return bearer_token(websocket.headers.get("authorization")) or websocket.cookies.get(
        SESSION_COOKIE
    )


async def _authenticate(websocket: WebSocket, services: Services) -> AgentAccount | None:
    if not _same_origin(websocket):
        return None
    try:
        session = await run_in_threadpool(services.agents.authenticate, _session_token(websocket))
    except DomainError:
        return None
    return session.agent


def _frame_budget(websocket: WebSocket, services: Services, key: str) -> Any:
    """Counts every frame of one agent's socket; an async callable raising RateLimited."""
    limiter = getattr(websocket.app.state, "limiter", None)
    per_minute = services.settings.rate_limit_agent_frames_per_minute

    async def count_frame() -> None:
        if limiter is not None and per_minute:
            wait = await run_in_threadpool(limiter.hit, key, per_minute)
            if wait is not None:
                raise RateLimited(f"Too many frames; please retry in {int(wait)} seconds.")

    return count_frame


class LiveAccount:
    """The socket's agent as the store has them now: frames act with the current account."""

    def __init__(self, websocket: WebSocket, services: Services, agent: AgentAccount) -> None:
        self.token = _session_token(websocket)
        self.services = services
        self.current = agent

    async def authorise(self) -> None:
        """Forbidden once the session or the account has ended (signed out, disabled)."""
        try:
            session = await run_in_threadpool(self.services.agents.authenticate, self.token)
        except DomainError as error:
            raise Forbidden("Your session has ended; sign in again.") from error
        self.current = session.agent


@router.websocket("/v1/agent/conversations/{conversation_id}/stream")
async def stream_conversation(websocket: WebSocket, conversation_id: str, after: int = 0) -> None:
    services: Services = websocket.app.state.services
    agent = await _authenticate(websocket, services)
    if agent is None:
        await websocket.close(code=POLICY_VIOLATION, reason="Sign in as an agent first.")
        return
    cid = ConversationId(conversation_id)
    work = services.agent_work
    account = LiveAccount(websocket, services, agent)

    def read_after(cursor: int, limit: int) -> Any:
        # Access is re-checked on every read: a conversation taken away stops streaming.
        return work.events_after(cid, account.current, cursor, limit)

    try:
        await run_in_threadpool(read_after, 0, 1)
    except DomainError as error:
        await websocket.close(code=POLICY_VIOLATION, reason=error.message)
        return

    typing = TypingSignal(services, cid, agent)

    async def handle_frame(raw: Any) -> dict[str, Any] | None:
        if typing.matches(raw):
            await typing.send()  # transient: no acknowledgement
            return None
        try:
            incoming = AgentSocketIn.model_validate(raw)
        except ValidationError as error:
            message = "Send {type: 'message' | 'note', text, idempotency_key}."
            raise InvalidInput(message) from error
        write = work.reply if incoming.type == "message" else work.note
        event = await run_in_threadpool(
            write, cid, account.current, incoming.text, incoming.idempotency_key
        )
        return {"type": "ack", "idempotency_key": incoming.idempotency_key, "seq": event.seq}

    await websocket.accept()
    stream = EventStream(
        websocket,
        services.bus,
        conversation_topic(cid),
        after,
        read_after,
        handle_frame,
        limits=SocketLimits.of(services.settings),
        count_frame=_frame_budget(websocket, services, f"agent-socket:{agent.id}:{cid}"),
        authorise=account.authorise,
        authorise_every_s=ACCOUNT_CHECK_SECONDS,
    )
    with contextlib.suppress(WebSocketDisconnect):
        await stream.run()
