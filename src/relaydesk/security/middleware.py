"""Request limits as pure ASGI middleware: body size (413) and rate limits (429).

Both answer with the API's error shape, {code, message}, before the app sees the request.
"""

from __future__ import annotations

import json
import re

from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from relaydesk.security.headers import SecurityHeaders
from relaydesk.security.log_masking import install_log_masking
from relaydesk.security.ratelimit import RateLimiter, build_rate_limiter
from relaydesk.settings import Settings

# Customer writes limited per conversation: messages, escalations, closing.
_CUSTOMER_WRITE = re.compile(
    r"^/v1/conversations/([^/]+)/(?:messages|escalate|close|csat|follow-up)$"
)
_UNLIMITED = ("/healthz",)


async def send_error(
    send: Send, status: int, code: str, message: str, headers: dict[str, str] | None = None
) -> None:
    body = json.dumps({"code": code, "message": message}).encode()
    raw_headers = [
        (b"content-type", b"application/json"),
        (b"content-length", str(len(body)).encode()),
        *((name.lower().encode(), value.encode()) for name, value in (headers or {}).items()),
    ]
    await send({"type": "http.response.start", "status": status, "headers": raw_headers})
    await send({"type": "http.response.body", "body": body})


class BodySizeLimit:
    """Refuses bodies over `max_bytes` (413), by their declared length or as they arrive."""

    def __init__(self, app: ASGIApp, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = dict(scope.get("headers") or []).get(b"content-length")
        if declared is not None:
            if not declared.isdigit() or int(declared) > self.max_bytes:
                await self._refuse(send)
                return
            await self.app(scope, receive, send)
            return
        # No declared length (chunked): read up to the limit first, then replay it.
        chunks: list[Message] = []
        total = 0
        while True:
            message = await receive()
            chunks.append(message)
            total += len(message.get("body", b""))
            if total > self.max_bytes:
                await self._refuse(send)
                return
            if message["type"] != "http.request" or not message.get("more_body"):
                break

        async def replay() -> Message:
            return chunks.pop(0) if chunks else await receive()

        await self.app(scope, replay, send)

    async def _refuse(self, send: Send) -> None:
        limit_kib = self.max_bytes // 1024
        await send_error(
            send, 413, "request_too_large", f"The request body is over {limit_kib} KiB."
        )


class RateLimit:
    """Per client IP for every request, and per conversation for a customer's writes."""

    def __init__(self, app: ASGIApp, limiter: RateLimiter, per_ip: int, per_session: int) -> None:
        self.app = app
        self.limiter = limiter
        self.per_ip = per_ip
        self.per_session = per_session

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in ("http", "websocket") or scope["path"] in _UNLIMITED:
            await self.app(scope, receive, send)
            return
        wait = self._over_limit(scope)
        if wait is None:
            await self.app(scope, receive, send)
        elif scope["type"] == "websocket":
            await send({"type": "websocket.close", "code": 1013})  # try again later
        else:
            await send_error(
                send,
                429,
                "rate_limited",
                f"Too many requests; please retry in {int(wait)} seconds.",
                {"Retry-After": str(int(wait))},
            )

    def _over_limit(self, scope: Scope) -> float | None:
        client = scope.get("client")
        if self.per_ip and client:
            wait = self.limiter.hit(f"ip:{client[0]}", self.per_ip)
            if wait is not None:
                return wait
        write = _CUSTOMER_WRITE.match(scope["path"])
        if self.per_session and write and scope.get("method") == "POST":
            return self.limiter.hit(f"conversation:{write.group(1)}", self.per_session)
        return None


def install_request_guards(app: FastAPI, settings: Settings) -> RateLimiter:
    """Mask PII in logs; limit body sizes and request rates; set security headers; CORS."""
    install_log_masking()
    limiter = build_rate_limiter(settings.redis_url)
    app.add_middleware(
        RateLimit,
        limiter=limiter,
        per_ip=settings.rate_limit_ip_per_minute,
        per_session=settings.rate_limit_session_per_minute,
    )
    app.add_middleware(BodySizeLimit, max_bytes=settings.max_request_bytes)
    app.add_middleware(SecurityHeaders)  # outside the limits: refusals carry the headers too
    if settings.cors_origins:  # outermost, so refusals carry CORS headers too
        app.add_middleware(
            CORSMiddleware,
            allow_origins=settings.cors_origins,
            allow_methods=["GET", "POST", "PUT"],
            allow_headers=["Authorization", "Content-Type", "Idempotency-Key"],
            expose_headers=["Idempotent-Replayed", "Retry-After"],
            allow_credentials=False,
            max_age=600,
        )
    app.state.rate_limiter = limiter
    return limiter
