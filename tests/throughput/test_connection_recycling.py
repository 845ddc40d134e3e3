"""A kept-alive connection is told to close after a number of responses, so that new
connections spread over the workers again; each connection is counted on its own."""

from __future__ import annotations

from typing import Any

from relaydesk.api.connection_recycling import RecycleConnections
from support.aio import run_isolated


async def plain_app(scope: dict[str, Any], receive: Any, send: Any) -> None:
    headers = [(b"content-type", b"text/plain")]
    if scope.get("path") == "/closing":
        headers.append((b"Connection", b"close"))
    await send({"type": "http.response.start", "status": 200, "headers": headers})
    await send({"type": "http.response.body", "body": b"ok"})


async def receive_nothing() -> dict[str, Any]:
    return {"type": "http.request", "body": b""}


def sent_to(messages: list[dict[str, Any]]) -> Any:
    async def send(message: dict[str, Any]) -> None:
        messages.append(message)

    return send


def closes(
    app: RecycleConnections, client: tuple[str, int] | None, times: int, **scope: Any
) -> list[int]:
    """Which of `times` responses on this connection said Connection: close (1-based)."""
    found: list[int] = []

    async def serve() -> None:
        for number in range(1, times + 1):
            sent: list[dict[str, Any]] = []
            request = {"type": "http", "path": "/", "client": client, **scope}
            await app(request, receive_nothing, sent_to(sent))
            headers = [(name.lower(), value) for name, value in sent[0]["headers"]]
            if (b"connection", b"close") in headers:
                found.append(number)
            assert len([name for name, _ in headers if name == b"connection"]) <= 1

    run_isolated(serve())
    return found


def test_every_nth_response_on_a_connection_closes_it() -> None:
    app = RecycleConnections(plain_app, responses=3)
    assert closes(app, ("10.0.0.1", 5000), 7) == [3, 6]


def test_connections_are_counted_apart() -> None:
    app = RecycleConnections(plain_app, responses=3)
    assert closes(app, ("10.0.0.1", 5000), 2) == []
    assert closes(app, ("10.0.0.1", 5001), 2) == []  # another port: another connection
    assert closes(app, ("10.0.0.1", 5000), 1) == [1]  # the first one's third response


def test_a_response_that_closes_already_keeps_one_connection_header() -> None:
    app = RecycleConnections(plain_app, responses=1)
    assert closes(app, ("10.0.0.1", 5000), 2, path="/closing") == [1, 2]


def test_websockets_and_unknown_clients_pass_untouched() -> None:
    app = RecycleConnections(plain_app, responses=1)
    assert closes(app, None, 3) == []
    seen: list[str] = []

    async def socket_app(scope: dict[str, Any], receive: Any, send: Any) -> None:
        seen.append(scope["type"])

    sockets = RecycleConnections(socket_app, responses=1)
    scope = {"type": "websocket", "client": ("10.0.0.1", 1)}
    run_isolated(sockets(scope, receive_nothing, sent_to([])))
    assert seen == ["websocket"]
