"""Browser fixtures: a real relaydesk server process and Debian's headless chromium.

Tests here skip with a clear reason when chromium or the playwright package is missing.
Each test gets a fresh browser context (so fresh localStorage) and leaves a screenshot of its
last page under test-artifacts/browser/.
"""

from __future__ import annotations

import importlib.util
import os
import re
import secrets
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from support.mail import SmtpTestServer, smtp_server
from support.server import ServerProcess, seed_demo_database

CHROMIUM = Path(os.environ.get("RELAYDESK_TEST_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking"]
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "browser"
# The identity secret the operator's site and the server share in these tests.
IDENTITY_SECRET = "browser-test-identity-secret"


def _require_browser() -> None:
    if importlib.util.find_spec("playwright") is None:
        pytest.skip("The playwright package is not installed: pip install playwright.")
    if not CHROMIUM.exists():
        pytest.skip(f"No chromium at {CHROMIUM}: apt-get install -y chromium.")


@pytest.fixture(scope="session")
def artifacts_dir() -> Path:
    """Where screenshots and other evidence of browser tests are kept (git-ignored)."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    return ARTIFACTS


@pytest.fixture(scope="session")
def mail_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SmtpTestServer]:
    """Where the browser tests' servers send email (replies by email are offered only then)."""
    with smtp_server(tmp_path_factory.mktemp("smtp")) as server:
        yield server


def sending_email_through(mail: SmtpTestServer) -> dict[str, str]:
    return {
        "RELAYDESK_EMAIL_ADDRESS": "support@shop.example",
        "RELAYDESK_SMTP_HOST": "127.0.0.1",
        "RELAYDESK_SMTP_PORT": str(mail.port),
        "RELAYDESK_SMTP_SECURITY": "none",
    }


@pytest.fixture(scope="session")
def server(
    tmp_path_factory: pytest.TempPathFactory, mail_server: SmtpTestServer
) -> Iterator[ServerProcess]:
    """One real relaydesk server for the browser tests, on a fresh SQLite file."""
    _require_browser()
    process = ServerProcess(
        tmp_path_factory.mktemp("browser-server"),
        env={
            "RELAYDESK_IDENTITY_SECRET": IDENTITY_SECRET,
            "RELAYDESK_ENVIRONMENT": "test",
            "RELAYDESK_DEMO_SHOP": "true",
            # A fixed acknowledgement keeps these tests about the widget, fast and exact.
            "RELAYDESK_ASSISTANT": "acknowledge",
            **sending_email_through(mail_server),
        },
    )
    process.start(timeout=60)
    yield process
    process.stop()


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    """Headless chromium, shared by the session; contexts keep tests apart."""
    _require_browser()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        yield chromium
        chromium.close()


@pytest.fixture
def browser_context_options() -> dict[str, Any]:
    """Override in a test module to change locale, viewport and the like."""
    return {"locale": "en-US", "viewport": {"width": 1280, "height": 800}}


@pytest.fixture
def context(browser: Any, browser_context_options: dict[str, Any]) -> Iterator[Any]:
    """A fresh browser context: its own cookies and localStorage."""
    created = browser.new_context(**browser_context_options)
    created.set_default_timeout(10_000)
    yield created
    created.close()


def keep_screenshot(page: Any, path: Path) -> None:
    """Evidence of the last state; chromium sometimes cannot capture one, which is no test
    failure of ours."""
    from playwright.sync_api import Error

    try:
        page.screenshot(path=str(path), full_page=True)
    except Error as error:
        print(f"No screenshot {path.name}: {error.message.splitlines()[0]}")


@pytest.fixture
def page(context: Any, artifacts_dir: Path, request: pytest.FixtureRequest) -> Iterator[Any]:
    """A page that leaves a screenshot named after the test when the test ends."""
    opened = context.new_page()
    yield opened
    name = re.sub(r"[^A-Za-z0-9_.-]+", "_", request.node.name)[:150]
    if not opened.is_closed():
        keep_screenshot(opened, artifacts_dir / f"{name}.png")


class WidgetPage:
    """The chat widget on a page, seen the way a customer uses it."""

    def __init__(self, page: Any) -> None:
        self.page = page
        self.launcher = page.locator(".rd-launcher")
        self.panel = page.locator(".rd-panel")
        self.input = page.locator(".rd-composer textarea")
        self.log = page.locator("[role=log]")
        self.status = page.locator(".rd-status")
        self.typing = page.locator(".rd-typing")
        self.person = page.locator(".rd-person")

    def open(self) -> WidgetPage:
        self.launcher.wait_for()
        if self.panel.is_hidden():
            self.launcher.click()
        self.input.wait_for()
        return self

    def send(self, text: str) -> None:
        self.input.fill(text)
        self.input.press("Enter")

    def messages(self, who: str = "you") -> Any:
        """Message bubbles: who is you, assistant, agent or system."""
        return self.log.locator(f".rd-msg.rd-{who}")

    def message_texts(self, who: str = "you") -> list[str]:
        texts: list[str] = self.messages(who).locator(".rd-text").all_text_contents()
        return texts

    def state(self) -> dict[str, Any]:
        found: dict[str, Any] = self.page.evaluate("window.relaydesk.state()")
        return found

    def ask_for_a_person(self, first_message: str) -> None:
        """Say something, get the assistant's answer, then press "Talk to a person"."""
        from playwright.sync_api import expect

        self.send(first_message)
        expect(self.messages("assistant")).to_have_count(1)
        self.person.click()
        expect(self.status).to_contain_text("A person will join you")

    def wait_for_mode(self, mode: str) -> None:
        self.page.wait_for_function(
            "mode => window.relaydesk && window.relaydesk.state().mode === mode", arg=mode
        )


@pytest.fixture
def open_shop(open_shop_at: Any, server: ServerProcess) -> Any:
    """Open the demo shop (query string optional) and return its widget, ready to use."""

    def opener(query: str = "") -> WidgetPage:
        widget: WidgetPage = open_shop_at(server, query)
        return widget

    return opener


def start_assistant_server(data_dir: Path, env: dict[str, str] | None = None) -> ServerProcess:
    """A real server with the demo pack's assistant and the seeded demo pay-later backend."""
    _require_browser()
    from support.services import shared_cache_dir

    seed_demo_database(data_dir)
    process = ServerProcess(
        data_dir,
        env={
            "RELAYDESK_IDENTITY_SECRET": IDENTITY_SECRET,
            "RELAYDESK_ENVIRONMENT": "test",
            "RELAYDESK_DEMO_SHOP": "true",
            "RELAYDESK_ASSISTANT": "pack",
            "RELAYDESK_CACHE_DIR": str(shared_cache_dir()),
            **(env or {}),
        },
    )
    # A cold model cache trains the demo models first; a warm one starts in seconds.
    process.start(timeout=300)
    return process


@pytest.fixture(scope="session")
def assistant_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerProcess]:
    """The demo pack's assistant, as a newcomer meets it."""
    process = start_assistant_server(tmp_path_factory.mktemp("assistant-server"))
    yield process
    process.stop()


def server_database_url(server: ServerProcess) -> str:
    """The SQLite file a server process keeps its state in."""
    return f"sqlite:///{server.data_dir / 'relaydesk.sqlite3'}"


@pytest.fixture
def open_shop_at(page: Any) -> Any:
    """Like open_shop, for any server: open_shop_at(server, "?customer=cust-sven")."""

    def opener(target: ServerProcess, query: str = "") -> WidgetPage:
        page.goto(f"{target.url}/shop{query}")
        page.wait_for_function("window.relaydesk && window.relaydesk.version")
        return WidgetPage(page).open()

    return opener


CONSOLE_PASSWORD = "console fixture password"


@pytest.fixture
def agent_console(
    browser: Any, artifacts_dir: Path, request: pytest.FixtureRequest
) -> Iterator[Any]:
    """agent_console(server, "Tove Lind"): a new agent signed in to the console in its own
    browser context (its own cookies); the page is screenshotted when the test ends."""
    from relaydesk.desk.agents import AgentDesk
    from relaydesk.store.agents import AgentStore
    from relaydesk.store.engine import make_engine

    opened: list[Any] = []

    def sign_in(target: ServerProcess, name: str) -> Any:
        # Unique per call: the session's server keeps every account tests create.
        email = f"{re.sub(r'[^a-z]+', '.', name.lower())}.{secrets.token_hex(4)}@example.com"
        engine = make_engine(server_database_url(target))
        try:
            AgentDesk(AgentStore(engine), "unused").add_agent(
                email=email, display_name=name, password=CONSOLE_PASSWORD
            )
        finally:
            engine.dispose()
        context = browser.new_context(viewport={"width": 1280, "height": 800})
        context.set_default_timeout(15_000)
        console = context.new_page()
        opened.append(context)
        console.goto(f"{target.url}/console")
        console.get_by_label("Email").fill(email)
        console.get_by_label("Password").fill(CONSOLE_PASSWORD)
        console.get_by_role("button", name="Sign in").click()
        console.wait_for_url(f"{target.url}/console")
        return console

    yield sign_in
    name = re.sub(r"[^A-Za-z0-9_.-]+", "_", request.node.name)[:140]
    for index, context in enumerate(opened):
        for console in context.pages:
            keep_screenshot(console, artifacts_dir / f"{name}-console{index}.png")
        context.close()
