"""Translation in chromium, with a local OpenAI-compatible server standing in for the model:
the agent reads a German customer in English (also a message arriving while the page is open),
and the customer reads the agent's English reply in German."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from browser.conftest import IDENTITY_SECRET, WidgetPage
from llm.fake_openai import FakeOpenAI
from support.server import ServerProcess

expect = pytest.importorskip("playwright.sync_api", reason="needs playwright").expect

pytestmark = pytest.mark.browser

FIRST = "Ich möchte meine Lieferadresse für Bestellung 4711 ändern."
SECOND = "Sind Sie noch da?"
REPLY = "Of course, I am changing the address of order 4711 now."


@pytest.fixture(scope="module")
def model() -> Iterator[FakeOpenAI]:
    pytest.importorskip("openai", reason="translation needs the llm extra: pip install openai")
    with FakeOpenAI().running() as server:
        yield server


@pytest.fixture(scope="module")
def translating_server(
    tmp_path_factory: pytest.TempPathFactory, model: FakeOpenAI, browser: Any
) -> Iterator[ServerProcess]:
    process = ServerProcess(
        tmp_path_factory.mktemp("translating-server"),
        env={
            "RELAYDESK_IDENTITY_SECRET": IDENTITY_SECRET,
            "RELAYDESK_ENVIRONMENT": "test",
            "RELAYDESK_DEMO_SHOP": "true",
            "RELAYDESK_ASSISTANT": "acknowledge",
            "RELAYDESK_LLM_BASE_URL": model.base_url,
            "RELAYDESK_LLM_MODEL": "fake",
            "RELAYDESK_LLM_TRANSLATION": "true",
            # Generous budgets: two cores shared by many test processes.
            "RELAYDESK_LLM_FIRST_TOKEN_S": "5",
            "RELAYDESK_LLM_DEADLINE_S": "8",
        },
    )
    process.start(timeout=60)
    yield process
    process.stop()


def test_agent_and_customer_each_read_the_other_in_their_own_language(
    page: Any,
    translating_server: ServerProcess,
    model: FakeOpenAI,
    agent_console: Any,
    artifacts_dir: Path,
) -> None:
    model.script(
        "I would like to change my delivery address for order 4711.",
        "Are you still there?",
        "Natürlich, ich ändere jetzt die Adresse von Bestellung 4711.",
    )
    page.goto(f"{translating_server.url}/shop?lang=de")
    page.wait_for_function("window.relaydesk && window.relaydesk.version")
    widget = WidgetPage(page).open()
    widget.send(FIRST)
    expect(widget.messages("assistant")).to_have_count(1)
    widget.person.click()
    conversation_id = widget.state()["conversationId"]

    console = agent_console(translating_server, "Tove Lind")
    console.goto(f"{translating_server.url}/console/conversations/{conversation_id}")
    first = console.locator(".event.source-customer").first
    expect(first).to_contain_text(FIRST)
    expect(first.get_by_test_id("translation")).to_have_text(
        "Translated (de → en): I would like to change my delivery address for order 4711."
    )
    console.get_by_role("button", name="Claim this conversation").click()
    expect(console.get_by_test_id("translating")).to_contain_text("translated into de")

    widget.send(SECOND)  # arrives while the agent's page is open
    second = console.locator(".event.source-customer").last
    expect(second).to_contain_text(SECOND)
    expect(second.get_by_test_id("translation")).to_contain_text("Are you still there?")

    console.get_by_label("Reply to the customer").fill(REPLY)
    console.get_by_role("button", name="Send reply").click()
    expect(widget.messages("agent").last).to_contain_text(
        "Natürlich, ich ändere jetzt die Adresse von Bestellung 4711."
    )
    assert REPLY not in " ".join(widget.message_texts("agent"))
    expect(console.get_by_test_id("written-as")).to_have_text(f"Written as (en): {REPLY}")
    console.screenshot(path=str(artifacts_dir / "console-translation.png"), full_page=True)
