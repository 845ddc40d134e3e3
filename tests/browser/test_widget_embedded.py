"""The widget as an operator embeds it: one script tag on a page of another origin.

A plain page served by a tiny HTTP server in the test process (another port, so another
origin) holds only the README's script tag. A site listed in RELAYDESK_CORS_ORIGINS can chat;
a site that is not listed cannot start a conversation.
"""

from __future__ import annotations

import hashlib
import hmac
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect
from sqlalchemy import func, select

from browser.conftest import IDENTITY_SECRET, WidgetPage, server_database_url
from relaydesk.store.engine import make_engine
from relaydesk.store.tables import conversations
from support.server import ServerProcess

pytestmark = pytest.mark.browser

CUSTOMER = "cust-1"
SIGNATURE = hmac.new(IDENTITY_SECRET.encode(), CUSTOMER.encode(), hashlib.sha256).hexdigest()


class OperatorSite:
    """Serves one HTML page on every path, as the operator's own site would."""

    def __init__(self) -> None:
        self.html = b""
        site = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                self.send_response(200)
                self.send_header("Content-Type", "text/html; charset=utf-8")
                self.send_header("Content-Length", str(len(site.html)))
                self.end_headers()
                self.wfile.write(site.html)

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    @property
    def origin(self) -> str:
        return f"http://127.0.0.1:{self.httpd.server_address[1]}"

    def embed(self, desk_url: str) -> None:
        # The README's tag, and nothing else the widget could lean on.
        self.html = f"""<!doctype html>
<html><head><meta charset="utf-8"><title>An operator's site</title></head>
<body><h1>Welcome to our shop</h1>
<script src="{desk_url}/widget.js"
        data-relaydesk-url="{desk_url}"
        data-customer-ref="{CUSTOMER}" data-customer-signature="{SIGNATURE}"
        data-language="sv"></script>
</body></html>""".encode()

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture(scope="module")
def sites() -> Iterator[tuple[OperatorSite, OperatorSite]]:
    allowed, other = OperatorSite(), OperatorSite()
    yield allowed, other
    allowed.close()
    other.close()


@pytest.fixture(scope="module")
def desk(
    sites: tuple[OperatorSite, OperatorSite], tmp_path_factory: pytest.TempPathFactory
) -> Iterator[ServerProcess]:
    """A relaydesk server that lets only the first site's pages call its API."""
    allowed, other = sites
    process = ServerProcess(
        tmp_path_factory.mktemp("embedded-desk"),
        env={
            "RELAYDESK_IDENTITY_SECRET": IDENTITY_SECRET,
            "RELAYDESK_ENVIRONMENT": "test",
            "RELAYDESK_ASSISTANT": "acknowledge",
            "RELAYDESK_CORS_ORIGINS": f'["{allowed.origin}"]',
        },
    )
    process.start(timeout=60)
    allowed.embed(process.url)
    other.embed(process.url)
    yield process
    process.stop()


def conversation_count(server: ServerProcess) -> int:
    engine = make_engine(server_database_url(server))
    try:
        with engine.connect() as conn:
            return int(conn.execute(select(func.count()).select_from(conversations)).scalar_one())
    finally:
        engine.dispose()


def open_embedded(page: Any, site: OperatorSite) -> WidgetPage:
    page.goto(f"{site.origin}/products/shoes.html")
    page.wait_for_function("window.relaydesk && window.relaydesk.version")
    return WidgetPage(page).open()


def test_a_customer_chats_from_a_listed_site_over_the_websocket(
    page: Any, desk: ServerProcess, sites: tuple[OperatorSite, OperatorSite], artifacts_dir: Path
) -> None:
    allowed, _ = sites
    widget = open_embedded(page, allowed)
    assert page.evaluate("location.origin") == allowed.origin != desk.url
    # Its labels came cross-origin too: Swedish, as the tag asks.
    expect(widget.person).to_have_text("Prata med en person")

    widget.send("Hej, var är mitt paket?")
    expect(widget.messages("assistant")).to_have_count(1)
    widget.wait_for_mode("socket")
    widget.send("och en fråga till")
    expect(widget.messages("assistant")).to_have_count(2)
    state = widget.state()
    assert state["conversationId"] and state["outbox"] == 0
    assert widget.message_texts("you") == ["Hej, var är mitt paket?", "och en fråga till"]
    page.screenshot(path=str(artifacts_dir / "embedded-allowed-site.png"))


def test_a_site_that_is_not_listed_cannot_start_a_conversation(
    page: Any, desk: ServerProcess, sites: tuple[OperatorSite, OperatorSite], artifacts_dir: Path
) -> None:
    _, other = sites
    before = conversation_count(desk)
    widget = open_embedded(page, other)
    widget.send("hello from a site nobody listed")
    notice = page.locator(".rd-notice")
    expect(notice).to_be_visible()
    expect(notice).to_have_attribute("role", "alert")
    expect(notice).to_have_text("Connection lost. Reconnecting…")  # English: labels were refused
    page.wait_for_timeout(2500)  # a retry round, refused the same way
    state = widget.state()
    assert state["conversationId"] is None and state["outbox"] == 1
    expect(widget.messages("assistant")).to_have_count(0)
    assert conversation_count(desk) == before
    page.screenshot(path=str(artifacts_dir / "embedded-unlisted-site.png"))
