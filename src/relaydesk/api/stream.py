"""Customer websocket: streams events after a cursor and accepts messages, resuming on reconnect."""

from __future__ import annotations

import asyncio
import contextlib
from typing import Any

from fastapi import APIRouter, WebSocket, WebSocketDisconnect
from fastapi.concurrency import run_in_threadpool
from pydantic import BaseModel, Field, ValidationError

from relaydesk.api.customer_auth import token_matches
from relaydesk.api.deps import Services
from relaydesk.api.errors import error_body
from relaydesk.api.schemas import EventOut
from relaydesk.bus.base import Subscription, conversation_topic
from relaydesk.domain.errors import DomainError
from relaydesk.domain.model import ConversationId

router = APIRouter()

# Notifications are a shortcut; polling the store this often makes a lost one harmless.
POLL_SECONDS = 5.0
POLICY_VIOLATION = 1008


class SocketMessageIn(BaseModel):
    type: str = Field(pattern="^message$")
    text: str = Field(max_length=20_000)
    idempotency_key: str = Field(min_length=1, max_length=180)


@router.websocket("/v1/conversations/{conversation_id}/stream")
async def stream_conversation(
    websocket: WebSocket, conversation_id: str, token: str = "", after: int = 0
) -> None:
    services: Services = websocket.app.state.services
    if not token_matches(services.settings.secret_key, conversation_id, token):
        await websocket.close(code=POLICY_VIOLATION, reason="This conversation needs its token.")
        return
    await websocket.accept()
    streamer = _Streamer(websocket, services, ConversationId(conversation_id), max(after, 0))
    with contextlib.suppress(WebSocketDisconnect):
        await streamer.run()


class _Streamer:
    def __init__(
        self, websocket: WebSocket, services: Services, conversation_id: ConversationId, cursor: int
    ) -> None:
        self.websocket = websocket
        self.services = services
        self.conversation_id = conversation_id
        self.cursor = cursor
        self.send_lock = asyncio.Lock()
        self.deliver_lock = asyncio.Lock()

    async def run(self) -> None:
        async with self.services.bus.subscribe(conversation_topic(self.conversation_id)) as sub:
            await self.deliver_new_events()
            tasks = [
                asyncio.create_task(self.follow(sub)),
                asyncio.create_task(self.receive_messages()),
            ]
            try:
                done, _ = await asyncio.wait(tasks, return_when=asyncio.FIRST_EXCEPTION)
                for task in done:
                    task.result()
            finally:
                for task in tasks:
                    task.cancel()
                await asyncio.gather(*tasks, return_exceptions=True)

    async def follow(self, subscription: Subscription) -> None:
        notifications = subscription.messages()
        while True:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(anext(notifications), POLL_SECONDS)
            await self.deliver_new_events()

    async def deliver_new_events(self) -> None:
        """Send everything after the cursor, once and in order, whoever asks first."""
        desk = self.services.conversations
        async with self.deliver_lock:
            while True:
                events, cursor = await run_in_threadpool(
                    desk.customer_events_after, self.conversation_id, self.cursor, 200
                )
                for event in events:
                    await self.send(
                        {"type": "event", "event": EventOut.of(event).model_dump(mode="json")}
                    )
                if cursor == self.cursor:
                    return
                self.cursor = cursor

    async def receive_messages(self) -> None:
        while True:
            raw = await self.websocket.receive_json()
            try:
                incoming = SocketMessageIn.model_validate(raw)
                receipt = await run_in_threadpool(
                    self.services.conversations.receive_customer_message,
                    self.conversation_id,
                    incoming.text,
                    incoming.idempotency_key,
                )
            except ValidationError:
                await self.send(
                    {
                        "type": "error",
                        **error_body(
                            "invalid_input", "Send {type: 'message', text, idempotency_key}."
                        ),
                    }
                )
                continue
            except DomainError as error:
                await self.send({"type": "error", **error_body(error.code, error.message)})
                continue
            await self.send(
                {
                    "type": "ack",
                    "idempotency_key": incoming.idempotency_key,
                    "seq": receipt.message.seq,
                    "duplicate": receipt.duplicate,
                }
            )
            await self.deliver_new_events()

    async def send(self, payload: dict[str, Any]) -> None:
        async with self.send_lock:
            await self.websocket.send_json(payload)
