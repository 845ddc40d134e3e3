"""Guessing identities gets nowhere: failed checks slow down per conversation, per address
and per target account, counted in the database so every server process sees them."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from relaydesk.api.app import create_app
from relaydesk.assistant.engine import PackAssistant
from relaydesk.domain.model import ConversationId, EventKind
from relaydesk.packs.paylater.backend import ALICE_EMAIL, ALICE_PLAN_ORDER_ID
from relaydesk.security.stored_attempts import StoredAttempts
from relaydesk.settings import Settings
from relaydesk.store.engine import make_engine
from relaydesk.store.migrate import upgrade
from relaydesk.tools.attempts import AttemptScope
from support.demo import assistant_on

GUESSER = ("198.51.100.7", 40000)
HONEST = ("203.0.113.20", 40000)


@pytest.fixture
def app_settings(backend: Engine, tmp_path: Path) -> Settings:
    url = backend.url.render_as_string(hide_password=False)
    return Settings(database_url=url, data_dir=tmp_path, environment="test")


@pytest.fixture
def clients(
    demo_assistant: PackAssistant, backend: Engine, app_settings: Settings
) -> Iterator[tuple[TestClient, TestClient]]:
    app = create_app(app_settings, assistant_on(demo_assistant, backend))
    with TestClient(app, client=GUESSER) as guesser, TestClient(app, client=HONEST) as honest:
        yield guesser, honest


def verified_in_a_new_conversation(client: TestClient, email: str, order: str) -> bool:
    """A visitor asks to change their email and proves who they are; did the check pass?"""
    started = client.post("/v1/conversations", json={"display_name": "Visitor", "language": "en"})
    cid, token = started.json()["conversation"]["id"], started.json()["token"]
    auth = {"Authorization": f"Bearer {token}"}
    for n, text in enumerate(
        ["I want to change my email to new.me@example.org", f"{email} and my order is {order}"]
    ):
        sent = client.post(
            f"/v1/conversations/{cid}/messages", json={"text": text},
            headers={**auth, "Idempotency-Key": f"k{n}"},
        )
        assert sent.status_code == 200, sent.text
    store = client.app.state.services.store  # type: ignore[attr-defined]
    results = [
        e.data for e in store.events_after(ConversationId(cid), 0)
        if e.kind is EventKind.TOOL_RESULT and e.data.get("tool") == "verify_customer"
    ]
    assert results, "the flow never checked the details"
    return any((r.get("result") or {}).get("verified") for r in results)


def test_one_address_guessing_many_accounts_is_slowed_down_and_others_are_not(
    clients: tuple[TestClient, TestClient],
) -> None:
    guesser, honest = clients
    # Each guess names a different account, in its own conversation: no account's and no
    # conversation's count grows, only the address's.
    for n in range(11):
        assert not verified_in_a_new_conversation(
            guesser, f"someone{n}@example.com", f"ORD-1009{n:02d}"
        )
    # The address now waits: even a right pair is refused from it, alike to a wrong one.
    assert not verified_in_a_new_conversation(guesser, ALICE_EMAIL, ALICE_PLAN_ORDER_ID)
    assert verified_in_a_new_conversation(honest, ALICE_EMAIL, ALICE_PLAN_ORDER_ID)


def test_failures_counted_by_one_process_delay_the_checks_of_another(database_url: str) -> None:
    # Two engines on one database stand for two server processes.
    first_engine, second_engine = make_engine(database_url), make_engine(database_url)
    upgrade(first_engine)
    first, second = StoredAttempts(first_engine), StoredAttempts(second_engine)
    account = [AttemptScope("verify:email:alice@example.com", 3)]
    now = 1_000_000.0
    try:
        waits, counts = [], []
        for n in range(6):
            counts += (first if n % 2 else second).failed(account, now)
            waits.append(second.wait_s(account, now))
        assert counts == [1, 2, 3, 4, 5, 6]
        assert waits == [0, 0, 0, 30, 60, 120]
        assert first.wait_s(account, now + 119) == pytest.approx(1)
        assert first.wait_s(account, now + 24 * 3600 + 1) == 0  # forgotten after a day
        assert second.failed(account, now + 24 * 3600 + 1) == [1]
        first.succeeded(account)
        assert second.wait_s(account, now) == 0
    finally:
        first_engine.dispose()
        second_engine.dispose()


def test_the_table_holds_no_email_or_address(database_url: str) -> None:
    engine = make_engine(database_url)
    upgrade(engine)
    try:
        StoredAttempts(engine).failed([AttemptScope("verify:address:198.51.100.7", 10)], 1.0)
        with engine.connect() as conn:
            rows = conn.exec_driver_sql("SELECT * FROM failed_attempts").all()
        assert len(rows) == 1 and "198.51.100.7" not in str(rows)
    finally:
        engine.dispose()
