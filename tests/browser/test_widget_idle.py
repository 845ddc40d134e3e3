"""A widget left open: its websocket stays up through heartbeats, and the server stays quiet.

The server's heartbeat is shortened to 0.2 s, so the idle minute-scale behaviour (three of
the store's 5 s polls, about eighty heartbeats) happens within the test.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from browser.conftest import IDENTITY_SECRET, _require_browser
from support.server import ServerProcess

expect = pytest.importorskip("playwright.sync_api", reason="needs playwright").expect


@pytest.fixture(scope="module")
def heartbeat_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerProcess]:
    _require_browser()
    process = ServerProcess(
        tmp_path_factory.mktemp("idle-widget"),
        env={
            "RELAYDESK_IDENTITY_SECRET": IDENTITY_SECRET,
            "RELAYDESK_ENVIRONMENT": "test",
            "RELAYDESK_DEMO_SHOP": "true",
            "RELAYDESK_ASSISTANT": "acknowledge",
            "RELAYDESK_WEBSOCKET_HEARTBEAT_S": "0.2",
            "RELAYDESK_WEBSOCKET_IDLE_TIMEOUT_S": "5",
        },
    )
    process.start(timeout=60)
    yield process
    process.stop()


def test_an_idle_widget_keeps_one_socket_and_the_server_logs_no_traceback(
    open_shop_at: Any, heartbeat_server: ServerProcess
) -> None:
    widget = open_shop_at(heartbeat_server)
    sockets: list[Any] = []
    widget.page.on("websocket", lambda socket: sockets.append(socket))
    widget.send("hello there")
    expect(widget.messages("assistant")).to_have_count(1)
    widget.wait_for_mode("socket")
    opened = len(sockets)
    widget.page.wait_for_timeout(16_000)
    widget.send("still there?")
    expect(widget.messages("assistant")).to_have_count(2)
    assert widget.state()["mode"] == "socket"
    assert len(sockets) == opened  # no reconnect while idle
    log = (heartbeat_server.data_dir / f"server-{heartbeat_server.port}.log").read_text()
    assert "Traceback" not in log
