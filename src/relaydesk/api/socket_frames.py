"""What a websocket client may send: bounded JSON text frames, read without surprises.

Every frame is read here before any handler sees it, so a binary frame, invalid JSON or an
oversized frame becomes an error event for the client instead of a server traceback.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from starlette.types import Message

from relaydesk.domain.errors import InvalidInput
from relaydesk.settings import Settings

# The server refuses frames this many times the application's cap unread (close 1009);
# frames between the two are read and answered with an error, so a client learns why.
PROTOCOL_FRAME_FACTOR = 4


@dataclass(frozen=True)
class SocketLimits:
    """Heartbeats, idleness and frame size for every websocket the API serves."""

    heartbeat_s: float = 20.0
    idle_timeout_s: float = 75.0
    max_frame_bytes: int = 65_536

    @classmethod
    def of(cls, settings: Settings) -> SocketLimits:
        return cls(
            heartbeat_s=settings.websocket_heartbeat_s,
            idle_timeout_s=settings.websocket_idle_timeout_s,
            max_frame_bytes=settings.websocket_max_frame_bytes,
        )


class FrameRefused(InvalidInput):
    """A frame the protocol does not accept; answered with an error event, then counted."""


def is_pong(frame: Any) -> bool:
    return isinstance(frame, dict) and frame.get("type") == "pong"


def read_frame(message: Message, max_bytes: int) -> Any:
    """The JSON value of one received websocket message, or FrameRefused saying why."""
    text = message.get("text")
    if text is None:
        raise FrameRefused("Send JSON text frames; binary frames are not accepted.")
    if len(text) > max_bytes or len(text.encode("utf-8", "surrogatepass")) > max_bytes:
        raise FrameRefused(f"A frame may be at most {max_bytes // 1024} KiB.")
    try:
        return json.loads(text)
    except (ValueError, RecursionError) as error:
        raise FrameRefused("The frame is not valid JSON.") from error


def server_frame_limit(settings: Settings) -> int:
    """The largest frame the ASGI server reads at all (uvicorn's ws_max_size)."""
    return settings.websocket_max_frame_bytes * PROTOCOL_FRAME_FACTOR
