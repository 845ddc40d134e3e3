"""A second pack (tests/packs/bikeshop) runs the engine, desk, widget and conversation runner
with no change to core: only through the contract and a fake entry point."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from datetime import date
from importlib.metadata import EntryPoint
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from packs.bikeshop.pack import DATA
from relaydesk.api.app import create_app
from relaydesk.assistant.compose import Composer
from relaydesk.assistant.engine import PackAssistant
from relaydesk.assistant.replies import ReplyCatalog
from relaydesk.bus.memory import MemoryBus
from relaydesk.desk.conversations import ConversationDesk
from relaydesk.desk.pack_actions import PackActions
from relaydesk.pack import Pack, PackError, load_pack
from relaydesk.pack.checks import check_assistant_parts
from relaydesk.settings import Settings
from relaydesk.store.conversations import ConversationStore
from relaydesk.store.engine import make_engine
from relaydesk.store.migrate import upgrade
from relaydesk.testing.conversation_runner import ConversationTestRunner
from relaydesk.testing.conversation_spec import load_conversation_tests
from relaydesk.testing.fixtures import build_test_assistant
from support.demo import TODAY
from support.services import shared_cache_dir

ENTRY = EntryPoint("bikeshop", "packs.bikeshop.pack:bikeshop_pack", "relaydesk.packs")
CONVERSATIONS = load_conversation_tests(DATA / "conversations")


@pytest.fixture(scope="module")
def pack() -> Pack:
    return load_pack("bikeshop", [ENTRY])


@pytest.fixture(scope="module")
def workshop_assistant(pack: Pack) -> PackAssistant:
    """Built and checked the way relaydesk builds any pack's assistant."""
    return build_test_assistant(pack, shared_cache_dir())


@pytest.fixture
def workshop_db(pack: Pack, tmp_path: Path) -> Iterator[Engine]:
    engine = make_engine(f"sqlite:///{tmp_path / 'workshop.sqlite3'}")
    upgrade(engine)
    pack.prepare_backend(engine)
    pack.seed_backend(engine, customers=0, today=TODAY, seed=1)
    yield engine
    engine.dispose()


@pytest.mark.parametrize(
    ("source", "case"), CONVERSATIONS, ids=[case.name for _, case in CONVERSATIONS]
)
def test_the_second_packs_conversations_pass_in_the_conversation_runner(
    source: Path, case: object, pack: Pack, workshop_assistant: PackAssistant
) -> None:
    runner = ConversationTestRunner(pack, workshop_assistant, date.today())
    outcome = runner.run(source, case)  # type: ignore[arg-type]
    assert outcome.passed, "\n".join(outcome.failures)


def test_an_agent_runs_the_second_packs_tool_for_the_customer_through_the_desk(
    pack: Pack, workshop_assistant: PackAssistant, workshop_db: Engine
) -> None:
    store = ConversationStore(workshop_db)
    parts = replace(workshop_assistant.parts, tool_deps=pack.tool_deps(workshop_db, lambda: TODAY))
    desk = ConversationDesk(store, MemoryBus(), PackAssistant(parts))
    conversation = desk.start_conversation(
        customer_ref="rider-1", display_name="Robin", language="en"
    )
    actions = PackActions(store, parts)
    mine = actions.run(conversation.id, "find_booking", {"booking_ref": "BK-0001"}, "agent-1")
    assert mine["status"] == "done" and mine["result"]["ref"] == "BK-0001"
    someone_elses = actions.run(
        conversation.id, "book_repair", {"booking_ref": "BK-0002", "part": "chain"}, "agent-1"
    )
    assert someone_elses["status"] == "denied"
    assert someone_elses["decision"]["reason"] == "not_your_booking"
    assert actions.profile("rider-1")["find_booking"]["ref"] == "BK-0001"


def test_the_widget_help_centre_and_demo_page_carry_the_second_packs_branding(
    pack: Pack, workshop_assistant: PackAssistant, tmp_path: Path
) -> None:
    settings = Settings(data_dir=tmp_path, environment="test", demo_shop=True)
    engine = make_engine(settings.resolved_database_url)
    upgrade(engine)
    engine.dispose()
    with TestClient(create_app(settings, workshop_assistant, pack=pack)) as client:
        greeting = client.get("/widget/i18n/en.json").json()["greeting"]
        assert greeting == "Hi! Ask me about your bike's repair."
        # A language the pack did not write a greeting in gets core's, which names no business.
        german = client.get("/widget/i18n/de.json").json()["greeting"]
        assert german == "Hallo! Wie kann ich Ihnen heute helfen?"
        assert ".rd { --rd-accent: #0b6e4f; --rd-accent-dark: #084c37; }" in client.get(
            "/widget.css"
        ).text
        assert "Ridgeway Bikes workshop help" in client.get("/help").text
        assert "Ridgeway Bikes workshop help" in client.get("/help/en/opening-hours").text
        shop = client.get("/shop")
        assert shop.status_code == 200 and "Signed in as Robin Rider" in shop.text
        started = client.post("/v1/conversations", json={"display_name": "Al", "language": "en"})
        cid, token = started.json()["conversation"]["id"], started.json()["token"]
        reply = client.post(
            f"/v1/conversations/{cid}/messages",
            json={"text": "what are your opening hours?"},
            headers={"Authorization": f"Bearer {token}", "Idempotency-Key": "k-1"},
        )
        assert reply.status_code == 200, reply.text
        assert "/help/en/opening-hours" in str(reply.json())


@pytest.mark.parametrize(
    "key",
    ["cancelled", "confirmation.used", "value_refused", "no_answer", "choice.person",
     "empathy.ack", "knowledge.answer_in_english"],
)  # fmt: skip
def test_a_reply_the_engine_needs_and_the_pack_lacks_is_one_sentence_at_load(
    workshop_assistant: PackAssistant, tmp_path: Path, key: str
) -> None:
    locale = tmp_path / "locale" / "en" / "LC_MESSAGES"
    locale.mkdir(parents=True)
    source = (DATA / "locale" / "en" / "LC_MESSAGES" / "messages.po").read_text()
    without = source.replace(f'msgid "{key}"\n', f'msgid "{key}_renamed"\n')
    assert without != source
    (locale / "messages.po").write_text(without)
    catalog = ReplyCatalog.load_sources(tmp_path / "locale")
    parts = replace(workshop_assistant.parts, composer=Composer(catalog))
    with pytest.raises(PackError) as error:
        check_assistant_parts("bikeshop", parts)
    assert str(error.value) == (
        f"The pack 'bikeshop' has no reply '{key}' in its 'en' catalog, and the engine needs it."
    )


def test_a_slot_kind_nobody_can_read_is_refused_at_load(
    workshop_assistant: PackAssistant,
) -> None:
    parts = replace(workshop_assistant.parts, slot_kinds={})
    with pytest.raises(PackError, match="slot 'part' of kind 'bike_part'"):
        check_assistant_parts("bikeshop", parts)


class _StepSayingOneMoreKey:
    """A dialogue step that says a key the workshop's catalogs do not have."""

    needs_identity = False
    reply_keys = frozenset({"workshop.step_said"})

    def starts(self, text: str, understanding: Any, memory: dict[str, Any]) -> bool:
        return False

    def take(self, turn: Any, text: str) -> None:
        turn.open = False


def test_a_reply_the_packs_dialogue_step_says_and_its_catalog_lacks_is_refused_at_load(
    workshop_assistant: PackAssistant,
) -> None:
    parts = replace(workshop_assistant.parts, dialogue_step=_StepSayingOneMoreKey())
    with pytest.raises(PackError) as error:
        check_assistant_parts("bikeshop", parts)
    assert str(error.value) == (
        "The pack 'bikeshop' has no reply 'workshop.step_said' in its 'en' catalog, "
        "and the engine needs it."
    )


def test_a_flows_reply_for_when_email_is_sent_is_checked_at_load_like_any_other(
    workshop_assistant: PackAssistant,
) -> None:
    flows = workshop_assistant.parts.flows
    first = flows.flows[0]
    done = first.done.model_copy(update={"by_email": "workshop.done_by_email"})
    changed = [first.model_copy(update={"done": done}), *flows.flows[1:]]
    parts = replace(workshop_assistant.parts, flows=flows.model_copy(update={"flows": changed}))
    with pytest.raises(PackError) as error:
        check_assistant_parts("bikeshop", parts)
    assert str(error.value) == (
        "The pack 'bikeshop' has no reply 'workshop.done_by_email' in its 'en' catalog, "
        "and the engine needs it."
    )
