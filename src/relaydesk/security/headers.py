"""The same security headers on every response, as pure ASGI middleware.

Every response gets `X-Content-Type-Options: nosniff` and a referrer policy; every HTML
page without its own policy gets a content security policy that allows only this origin
and no framing. The interactive API docs load Swagger UI from its CDN, so they get a policy
naming that CDN, and are not served at all in production.
"""

from __future__ import annotations

from starlette.types import ASGIApp, Message, Receive, Scope, Send

PAGE_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; connect-src 'self' ws: wss:; frame-ancestors 'none'; "
    "form-action 'self'; base-uri 'self'; object-src 'none'"
)
DOCS_CDN = "https://cdn.jsdelivr.net"
DOCS_POLICY = (
    f"default-src 'self'; script-src 'self' 'unsafe-inline' {DOCS_CDN}; "
    f"style-src 'self' 'unsafe-inline' {DOCS_CDN}; img-src 'self' data: https:; "
    "worker-src blob:; frame-ancestors 'none'; base-uri 'self'; object-src 'none'"
)
DOCS_PATHS = ("/docs", "/redoc", "/docs/oauth2-redirect")
EVERY_RESPONSE = {b"x-content-type-options": b"nosniff", b"referrer-policy": b"same-origin"}


def _page_headers(path: str) -> dict[bytes, bytes]:
    policy = DOCS_POLICY if path in DOCS_PATHS else PAGE_POLICY
    return {b"content-security-policy": policy.encode(), b"x-frame-options": b"DENY"}


class SecurityHeaders:
    """Adds the headers a response does not set itself."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path = scope["path"]

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                present = {name.lower() for name, _ in headers}
                wanted = dict(EVERY_RESPONSE)
                content_type = dict(headers).get(b"content-type", b"")
                if content_type.startswith(b"text/html"):
                    wanted |= _page_headers(path)
                headers += [(k, v) for k, v in wanted.items() if k not in present]
                message["headers"] = headers
            await send(message)

        await self.app(scope, receive, with_headers)
