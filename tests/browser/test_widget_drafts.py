"""Protocol tests in the browser: a model's answer is shown while it is written.

The server runs the demo pack's assistant with the knowledge role pointed at a local
OpenAI-compatible server that replays a slow answer; the widget shows each checked sentence
as a draft and replaces it with the stored, guarded reply (or the engine's own reply when
the finished answer is refused).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from browser.conftest import start_assistant_server
from llm.fake_openai import FakeOpenAI, Scripted
from support.server import ServerProcess

expect = pytest.importorskip("playwright.sync_api", reason="needs playwright").expect
pytest.importorskip("openai", reason="the model roles need the llm extra: pip install openai")

pytestmark = pytest.mark.browser

QUESTION = "what happens if I pay late?"
FIRST_SENTENCE = (
    "If an instalment stays unpaid, we send reminders and add a single late fee per instalment."
)
GROUNDED_ANSWER = (
    f"{FIRST_SENTENCE} Your account is paused for new purchases until the overdue amount is paid."
)
INVENTED_LINK_ANSWER = f"{FIRST_SENTENCE} Pay now at https://pay-late-fees.example/now to avoid it."
SLOW = {"chunk_delay_s": 0.3, "chunk_words": 2}


def ask_over_the_socket(widget: Any) -> Any:
    """Greet first, so the question goes over the open websocket the drafts come back on."""
    widget.send("hello")
    expect(widget.messages("assistant")).to_have_count(1)
    widget.wait_for_mode("socket")
    widget.send(QUESTION)
    return widget


@pytest.fixture(scope="module")
def fake_model() -> Iterator[FakeOpenAI]:
    with FakeOpenAI().running() as server:
        yield server


@pytest.fixture(scope="module")
def model_server(
    tmp_path_factory: pytest.TempPathFactory, fake_model: FakeOpenAI
) -> Iterator[ServerProcess]:
    process = start_assistant_server(
        tmp_path_factory.mktemp("model-server"),
        env={
            "RELAYDESK_LLM_BASE_URL": fake_model.base_url,
            "RELAYDESK_LLM_MODEL": "replayed",
            "RELAYDESK_LLM_KNOWLEDGE": "true",
            "RELAYDESK_LLM_FIRST_TOKEN_S": "5",
            "RELAYDESK_LLM_DEADLINE_S": "15",
        },
    )
    yield process
    process.stop()


def test_protocol_a_streamed_answer_shows_as_a_draft_then_as_the_stored_reply(
    open_shop_at: Any, model_server: ServerProcess, fake_model: FakeOpenAI, artifacts_dir: Path
) -> None:
    fake_model.script(Scripted(GROUNDED_ANSWER, **SLOW))
    widget = ask_over_the_socket(open_shop_at(model_server))

    draft = widget.log.locator(".rd-draft")
    expect(draft).to_have_text(f"Assistant{FIRST_SENTENCE}", timeout=10_000)
    expect(draft).to_have_attribute("aria-busy", "true")
    expect(widget.messages("assistant")).to_have_count(2)  # the greeting's answer and the draft
    widget.page.screenshot(path=str(artifacts_dir / "model-answer-draft.png"))

    expect(draft).to_have_count(0, timeout=15_000)
    final = widget.messages("assistant")
    expect(final).to_have_count(2)
    expect(final.last).to_contain_text("paused for new purchases")
    expect(final.last.locator("a")).to_have_attribute(
        "href", f"{model_server.url}/help/en/overdue-consequences"
    )


def test_protocol_a_refused_answer_retracts_its_draft_and_the_engine_answers(
    open_shop_at: Any, model_server: ServerProcess, fake_model: FakeOpenAI
) -> None:
    fake_model.script(Scripted(INVENTED_LINK_ANSWER, **SLOW))
    widget = ask_over_the_socket(open_shop_at(model_server))

    expect(widget.log.locator(".rd-draft")).to_have_text(
        f"Assistant{FIRST_SENTENCE}", timeout=10_000
    )
    expect(widget.log.locator(".rd-draft")).to_have_count(0, timeout=15_000)
    final = widget.messages("assistant")
    expect(final).to_have_count(2)
    expect(final.last).not_to_contain_text("pay-late-fees")
    expect(final.last).not_to_contain_text(FIRST_SENTENCE)
    expect(final.last.locator("a")).to_have_attribute(
        "href", f"{model_server.url}/help/en/overdue-consequences"
    )
