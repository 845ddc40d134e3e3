"""Customer websocket: streams events after a cursor and accepts messages, resuming on reconnect."""

from __future__ import annotations

import contextlib
from typing import Any

from fastapi import APIRouter, WebSocket, WebSocketDisconnect
from fastapi.concurrency import run_in_threadpool
from pydantic import BaseModel, Field, ValidationError

from relaydesk.api.customer_auth import token_matches
from relaydesk.api.deps import ERASED_CONVERSATION, Services
from relaydesk.api.event_stream import POLICY_VIOLATION, EventStream
from relaydesk.api.socket_frames import SocketLimits
from relaydesk.bus.base import conversation_topic
from relaydesk.domain.errors import InvalidInput, RateLimited
from relaydesk.domain.model import ConversationId
from relaydesk.store.revocations import is_revoked

router = APIRouter()


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
    if await run_in_threadpool(is_revoked, services.store.engine, conversation_id):
        await websocket.close(code=POLICY_VIOLATION, reason=ERASED_CONVERSATION)
        return
    await websocket.accept()
    cid = ConversationId(conversation_id)
    desk = services.conversations
    address = websocket.client.host if websocket.client else None

    def read_after(cursor: int, limit: int) -> Any:
        return desk.customer_events_after(cid, cursor, limit)

    limiter = getattr(websocket.app.state, "limiter", None)
    per_minute = services.settings.rate_limit_session_per_minute

    async def count_frame() -> None:
        # Every frame, valid or not, spends the same per-conversation budget as REST writes.
        if limiter is not None and per_minute:
            wait = await run_in_threadpool(limiter.hit, f"conversation:{cid}", per_minute)
            if wait is not None:
                raise RateLimited(f"Too many messages; please retry in {int(wait)} seconds.")

    async def handle_frame(raw: Any) -> dict[str, Any]:
        try:
            incoming = SocketMessageIn.model_validate(raw)
        except ValidationError as error:
            raise InvalidInput("Send {type: 'message', text, idempotency_key}.") from error
        receipt = await run_in_threadpool(
            desk.receive_customer_message, cid, incoming.text, incoming.idempotency_key, address
        )
        return {
            "type": "ack",
            "idempotency_key": incoming.idempotency_key,
            "seq": receipt.message.seq,
            "duplicate": receipt.duplicate,
        }

    stream = EventStream(
        websocket,
        services.bus,
        conversation_topic(cid),
        after,
        read_after,
        handle_frame,
        limits=SocketLimits.of(services.settings),
        count_frame=count_frame,
    )
    with contextlib.suppress(WebSocketDisconnect):
        await stream.run()
