"""Closing a kept-alive connection now and then, so that several workers share the load.

The workers of `serve --workers N` accept from one listening socket, and a burst of new
connections may all go to one of them; kept alive, they stay there while the other worker
idles. The load benchmark saw it in about one run in three: at 16 customers one worker
served all of them, at 0.7 of the turns a second of a balanced pair. After a number of
responses on one connection (as nginx's `keepalive_requests`) the response says
`Connection: close`; the client connects again, and whichever worker accepts takes it, so a
lopsided share does not last.
"""

from __future__ import annotations

from starlette.types import ASGIApp, Message, Receive, Scope, Send

RESPONSES_PER_CONNECTION = 25
_MOST_TRACKED = 10_000  # connections closed by their clients leave their counts behind


class RecycleConnections:
    """Pure ASGI: counts responses per client address and port (one TCP connection)."""

    def __init__(self, app: ASGIApp, responses: int = RESPONSES_PER_CONNECTION) -> None:
        self.app = app
        self.responses = responses
        self._served: dict[tuple[str, int], int] = {}

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        client = scope.get("client")
        if scope["type"] != "http" or client is None or not self._last_on(tuple(client)):
            await self.app(scope, receive, send)
            return

        async def closing(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                if all(name.lower() != b"connection" for name, _ in headers):
                    headers.append((b"connection", b"close"))
                message["headers"] = headers
            await send(message)

        await self.app(scope, receive, closing)

    def _last_on(self, connection: tuple[str, int]) -> bool:
        """Count this response; True when it is the connection's last."""
        served = self._served.pop(connection, 0) + 1
        if served >= self.responses:
            return True
        if len(self._served) >= _MOST_TRACKED:
            self._served.clear()
        self._served[connection] = served
        return False
