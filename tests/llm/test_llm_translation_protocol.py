"""Protocol tests of translation between customer and agent against the local replaying server."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from fastapi.testclient import TestClient

from agents.helpers import FAST_HASHER, PASSWORD
from agents.test_console_pages import sign_in
from llm.fake_openai import FakeOpenAI, Scripted
from llm.harness import FAST, console_model
from relaydesk.api.app import Services, create_app
from relaydesk.assistant.turn import AcknowledgingAssistant
from relaydesk.domain.agents import AgentAccount, Role
from relaydesk.domain.model import Conversation, EventKind, Source
from relaydesk.domain.visibility import for_customer
from relaydesk.llm.translation import Translator
from relaydesk.settings import Settings
from relaydesk.store.engine import make_engine
from relaydesk.store.migrate import upgrade

ASKED = (
    "Ich möchte meine Lieferadresse ändern, schreiben Sie an jonas@example.com, Bestellung 4711."
)
IN_ENGLISH = "I would like to change my delivery address, write to ⟦1⟧, order 4711."


def translator(base_url: str) -> Translator:
    return Translator(console_model(base_url))


def test_protocol_personal_data_never_reaches_the_model_and_comes_back_in_the_translation(
    fake_openai: FakeOpenAI,
) -> None:
    fake_openai.script(IN_ENGLISH)
    done = translator(fake_openai.base_url).translate(ASKED, "de", "en")
    assert done.text == (
        "I would like to change my delivery address, write to jonas@example.com, order 4711."
    )
    sent = json.dumps(fake_openai.requests, ensure_ascii=False)
    assert "jonas@example.com" not in sent and "⟦1⟧" in sent
    assert done.record["outcome"] == "accepted" and done.record["role"] == "translation"


def test_protocol_a_translation_that_changes_a_number_or_the_language_is_not_shown(
    fake_openai: FakeOpenAI,
) -> None:
    fake_openai.script(
        IN_ENGLISH.replace("4711", "4712"),
        "Ich möchte meine Lieferadresse ändern, schreiben Sie an ⟦1⟧, Bestellung 4711.",
        "I would like to change my delivery address, order 4711.",
    )
    model = translator(fake_openai.base_url)
    assert model.translate(ASKED, "de", "en").record["llm_rejected"] == "numbers_changed"
    assert model.translate(ASKED, "de", "en").record["llm_rejected"] == "wrong_language:de"
    dropped = model.translate(ASKED, "de", "en")  # the address left out
    assert dropped.text is None and dropped.record["llm_rejected"] == "personal_data_tokens"


def test_protocol_a_slow_model_leaves_no_translation(fake_openai: FakeOpenAI) -> None:
    fake_openai.script(Scripted(IN_ENGLISH, first_delay_s=2.0))
    late = translator(fake_openai.base_url).translate(ASKED, "de", "en")
    assert late.text is None and late.record["reason"] == "first_token_timeout"


@contextmanager
def console(tmp_path: Path, base_url: str | None, **extra: object) -> Iterator[TestClient]:
    url = f"sqlite:///{tmp_path / 'translation.sqlite3'}"
    engine = make_engine(url)
    upgrade(engine)
    engine.dispose()
    chosen: dict[str, object] = {"llm_translation": base_url is not None, **extra}
    settings = Settings(
        database_url=url,
        data_dir=tmp_path,
        environment="test",
        assistant="acknowledge",
        llm_base_url=base_url,
        llm_model="fake",
        llm_first_token_s=FAST.first_token_s,
        llm_deadline_s=FAST.total_s,
        **chosen,  # type: ignore[arg-type]
    )
    app = create_app(settings, AcknowledgingAssistant())
    app.state.services.agents.hasher = FAST_HASHER
    with TestClient(app) as client:
        yield client


def german_customer_and_english_supervisor(
    services: Services,
) -> tuple[Conversation, AgentAccount]:
    conversation = services.conversations.start_conversation(
        customer_ref="cust-jonas", display_name="Jonas", language="de"
    )
    services.conversations.receive_customer_message(conversation.id, ASKED, "k1")
    sam = services.agents.add_agent(
        email="sam@example.com",
        display_name="Sam",
        password=PASSWORD,
        role=Role.SUPERVISOR,
        languages=["en", "sv"],
    )
    return conversation, sam


def test_protocol_the_agent_reads_the_customer_in_english_and_the_customer_the_reply_in_german(
    fake_openai: FakeOpenAI, tmp_path: Path
) -> None:
    with console(tmp_path, fake_openai.base_url) as client:
        services: Services = client.app.state.services  # type: ignore[attr-defined]
        conversation, sam = german_customer_and_english_supervisor(services)
        token = sign_in(client, "sam@example.com")
        fake_openai.script(IN_ENGLISH)
        page = client.get(f"/console/conversations/{conversation.id}").text
        again = client.get(f"/console/conversations/{conversation.id}").text
        calls_for_the_message = len(fake_openai.requests)
        fake_openai.script("Danke, ich kümmere mich jetzt um Ihre Bestellung 4711.")
        client.post(
            f"/console/conversations/{conversation.id}/reply",
            data={
                "csrf_token": token,
                "text": "Thanks, I am taking care of your order 4711 now.",
                "idempotency_key": "r1",
            },
        )
        fake_openai.script(Scripted("zu spät", first_delay_s=2.0))
        services.agent_work.reply(conversation.id, sam, "One moment please.", "r2")
        events = services.store.events_after(conversation.id, 0, 100)

    # Both versions of the customer's message: their words, and the translation beside them.
    assert ASKED in page and "write to jonas@example.com, order 4711." in page
    assert 'data-translate="en"' in page and 'data-testid="translating"' in page
    assert calls_for_the_message == 1 and again.count('data-testid="translation"') == 1
    (translation,) = [e for e in events if "translation" in e.data]
    assert translation.data["translation"]["of_seq"] == 1
    assert translation.data["llm"][0]["outcome"] == "accepted"
    # The reply: the customer reads German, what the agent wrote stays beside it.
    replies = [e for e in events if e.kind is EventKind.MESSAGE and e.source is Source.AGENT]
    assert replies[0].text == "Danke, ich kümmere mich jetzt um Ihre Bestellung 4711."
    assert replies[0].data["original"] == {
        "text": "Thanks, I am taking care of your order 4711 now.",
        "language": "en",
    }
    shown = for_customer(replies[0])
    assert shown is not None and "original" not in shown.data and "llm" not in shown.data
    # A model too slow: the reply goes out as written, and the console says so.
    assert replies[1].text == "One moment please."
    assert replies[1].data["translation_failed"] == "first_token_timeout"


def test_without_a_model_nothing_is_translated(tmp_path: Path) -> None:
    with console(tmp_path, None) as client:
        services: Services = client.app.state.services  # type: ignore[attr-defined]
        conversation, sam = german_customer_and_english_supervisor(services)
        sign_in(client, "sam@example.com")
        page = client.get(f"/console/conversations/{conversation.id}").text
        services.agent_work.reply(conversation.id, sam, "Hello!", "r1")
        events = services.store.events_after(conversation.id, 0, 100)
    assert services.agent_work.translation is None and "data-translate" not in page
    assert not [e for e in events if "translation" in e.data or "original" in e.data]


def test_protocol_a_slow_model_is_asked_once_per_opening_not_once_per_message(
    fake_openai: FakeOpenAI, tmp_path: Path
) -> None:
    with console(tmp_path, fake_openai.base_url) as client:
        services: Services = client.app.state.services  # type: ignore[attr-defined]
        conversation, sam = german_customer_and_english_supervisor(services)
        services.conversations.receive_customer_message(conversation.id, "Hallo?", "k2")
        fake_openai.script(Scripted(IN_ENGLISH, first_delay_s=2.0), "Hello?")
        view = services.agent_work.open(conversation.id, sam)
        asked = len(fake_openai.requests)
    assert asked == 1  # the second message waits for the next opening
    assert not [e for e in view.events if "translation" in e.data]
