"""The load benchmark's customers: over HTTP (POST per message) or over the websocket.

HTTP goes through aiohttp: the generator shares the machine with the server it measures,
and httpx's client spent about eight times aiohttp's CPU a request (`bench/http_floor.py`:
1.0-1.7 ms against 0.1-0.2 ms)."""

from __future__ import annotations

import asyncio
import json
import random
import uuid
from types import TracebackType
from typing import Any, Protocol

import aiohttp
import websockets

from relaydesk.api.customer_auth import identity_signature

BACKEND_CUSTOMERS = 200  # the seeded demo backend's cust-00001 ... cust-00200


class Customer(Protocol):
    async def start(self) -> None: ...

    async def say(self, text: str) -> None:
        """Send one message and return once the assistant's turn for it is done."""

    async def close(self) -> None: ...


class Target:
    """The server under load, with one HTTP connection pool shared by every customer."""

    def __init__(self, url: str, transport: str, signed_share: float, identity_secret: str) -> None:
        self.url = url.rstrip("/")
        self.transport = transport
        self.signed_share = signed_share
        self.identity_secret = identity_secret
        self.plain_phrases = False
        self._client: aiohttp.ClientSession | None = None

    @property
    def client(self) -> aiohttp.ClientSession:
        if self._client is None:
            raise RuntimeError("the target's client opens in `async with target`")
        return self._client

    async def __aenter__(self) -> Target:
        # aiohttp's session belongs to the running event loop, so it opens here
        connector = aiohttp.TCPConnector(limit=512)
        timeout = aiohttp.ClientTimeout(total=30)
        self._client = aiohttp.ClientSession(self.url, connector=connector, timeout=timeout)
        return self

    async def __aexit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.client.close()

    def start_body(self, rng: random.Random) -> dict[str, Any]:
        if rng.random() >= self.signed_share:
            return {"display_name": "Visitor"}
        ref = f"cust-{rng.randint(1, BACKEND_CUSTOMERS):05d}"
        signature = identity_signature(self.identity_secret, ref)
        return {"display_name": ref, "customer_ref": ref, "customer_signature": signature}


def customer_for(target: Target, rng: random.Random) -> Customer:
    body = target.start_body(rng)
    if target.transport == "ws":
        return SocketCustomer(target, body)
    return HttpCustomer(target, body)


class HttpCustomer:
    def __init__(self, target: Target, body: dict[str, Any]) -> None:
        self.target = target
        self.body = body
        self.path = ""
        self.headers: dict[str, str] = {}

    async def start(self) -> None:
        async with self.target.client.post("/v1/conversations", json=self.body) as response:
            if response.status != 201:
                raise RuntimeError(f"start: HTTP {response.status}")
            started = await response.json()
        self.conversation_id = started["conversation"]["id"]
        self.token = started["token"]
        self.path = f"/v1/conversations/{self.conversation_id}/messages"
        self.headers = {"Authorization": f"Bearer {self.token}"}

    async def say(self, text: str) -> None:
        headers = {**self.headers, "Idempotency-Key": uuid.uuid4().hex}
        async with self.target.client.post(
            self.path, json={"text": text}, headers=headers
        ) as response:
            if response.status != 200:
                raise RuntimeError(f"message: HTTP {response.status}")
            await response.read()  # the reply is part of the turn, as a real client reads it

    async def close(self) -> None:
        return None


class SocketCustomer(HttpCustomer):
    """Starts over HTTP, then talks over the conversation's websocket; the ack ends the turn
    (the server acknowledges after the message is stored and the assistant has answered)."""

    socket: Any = None
    reader: asyncio.Task[None] | None = None

    async def start(self) -> None:
        await super().start()
        base = self.target.url.replace("http", "ws", 1)
        path = f"/v1/conversations/{self.conversation_id}/stream?token={self.token}"
        self.socket = await websockets.connect(base + path, max_queue=None)
        self.waiting: dict[str, asyncio.Future[None]] = {}
        self.reader = asyncio.create_task(self.read())

    async def read(self) -> None:
        async for raw in self.socket:
            frame = json.loads(raw)
            key = frame.get("idempotency_key")
            if frame["type"] == "ack" and key in self.waiting:
                self.waiting.pop(key).set_result(None)
            elif frame["type"] == "error":
                for waiter in self.waiting.values():
                    waiter.set_exception(RuntimeError(f"socket: {frame.get('code')}"))
                self.waiting.clear()

    async def say(self, text: str) -> None:
        key = uuid.uuid4().hex
        answered = asyncio.get_running_loop().create_future()
        self.waiting[key] = answered
        await self.socket.send(
            json.dumps({"type": "message", "text": text, "idempotency_key": key})
        )
        await asyncio.wait_for(answered, 30)

    async def close(self) -> None:
        if self.reader is not None:
            self.reader.cancel()
        if self.socket is not None:
            await self.socket.close()
