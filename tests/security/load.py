"""Customers under load against a server that keeps crashing, and what they were told."""

from __future__ import annotations

import asyncio
import random
import time
from dataclasses import dataclass, field
from typing import Any

import httpx

from support.server import ServerProcess

RETRYABLE = frozenset({429, 500, 502, 503, 504})


@dataclass
class CustomerLog:
    """What one customer was acknowledged: their conversation, messages in order, escalation."""

    number: int
    conversation: str | None = None
    headers: dict[str, str] = field(default_factory=dict)
    acknowledged: list[str] = field(default_factory=list)
    escalated: bool = False
    unexpected: list[str] = field(default_factory=list)


class LoadRun:
    def __init__(self, server: ServerProcess, customers: int, seconds: float) -> None:
        self.server = server
        self.logs = [CustomerLog(number) for number in range(customers)]
        self.stop_at = time.monotonic() + seconds
        self.kills = 0

    async def attempt(
        self, client: httpx.AsyncClient, log: CustomerLog, path: str, **kwargs: Any
    ) -> dict[str, Any] | None:
        """One request; the answer when the server acknowledged it, None to try again."""
        try:
            response = await client.post(f"{self.server.url}{path}", **kwargs)
        except httpx.HTTPError:
            await asyncio.sleep(0.3)  # the server is down or restarting
            return None
        if response.status_code in RETRYABLE:
            await asyncio.sleep(0.3)
            return None
        if response.status_code >= 300:
            log.unexpected.append(f"{path} -> {response.status_code} {response.text[:100]}")
            return None
        payload: dict[str, Any] = response.json()
        return payload

    async def customer(self, client: httpx.AsyncClient, log: CustomerLog) -> None:
        rng = random.Random(log.number)
        while log.conversation is None and time.monotonic() < self.stop_at:
            body = {"display_name": f"Load {log.number}"}
            started = await self.attempt(client, log, "/v1/conversations", json=body)
            if started is not None:
                log.conversation = started["conversation"]["id"]
                log.headers = {"Authorization": f"Bearer {started['token']}"}
        escalate_at = rng.randint(2, 10) if rng.random() < 0.3 else -1
        while log.conversation and time.monotonic() < self.stop_at:
            if len(log.acknowledged) == escalate_at and not log.escalated:
                path = f"/v1/conversations/{log.conversation}/escalate"
                log.escalated = (
                    await self.attempt(client, log, path, headers=log.headers) is not None
                )
                continue
            await self.send_next(client, log)
            await asyncio.sleep(rng.uniform(0.2, 1.0))

    async def send_next(self, client: httpx.AsyncClient, log: CustomerLog) -> None:
        number = len(log.acknowledged)
        text = f"customer {log.number} message {number}"
        headers = {**log.headers, "Idempotency-Key": f"{log.number}-{number}"}
        path = f"/v1/conversations/{log.conversation}/messages"
        if await self.attempt(client, log, path, json={"text": text}, headers=headers):
            log.acknowledged.append(text)

    async def crash(self, at_seconds: list[float], started: float) -> None:
        """SIGKILL the server at each moment and start it again on the same port."""
        for moment in at_seconds:
            await asyncio.sleep(max(0.0, started + moment - time.monotonic()))
            await asyncio.to_thread(self.server.kill)
            self.kills += 1
            await asyncio.to_thread(self.server.start)

    async def run(self, crash_at: list[float]) -> None:
        limits = httpx.Limits(max_connections=len(self.logs) + 10)
        async with httpx.AsyncClient(timeout=10, limits=limits) as client:
            started = time.monotonic()
            await asyncio.gather(
                self.crash(crash_at, started), *(self.customer(client, log) for log in self.logs)
            )
