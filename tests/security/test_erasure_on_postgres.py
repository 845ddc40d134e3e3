"""On PostgreSQL an erasure's old row versions keep the originals in the tables' files until
the tables are rewritten; `relaydesk privacy compact` (or `erase --compact`) rewrites them."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator

import pytest
from sqlalchemy import Engine, text
from typer.testing import CliRunner

from relaydesk.cli.main import app as cli
from relaydesk.domain.model import EventKind, NewEvent, Source
from relaydesk.security.privacy import PERSONAL_TABLES, Actor, PrivacyDesk
from relaydesk.store.conversations import ConversationStore
from relaydesk.store.engine import make_engine
from relaydesk.store.migrate import upgrade
from support.services import postgres_schema

EMAIL = "wombat.erasure.pg@example.com"
OPERATOR = Actor("operator", "test")


@pytest.fixture
def postgres_url() -> Iterator[str]:
    with postgres_schema() as url:
        yield url


@pytest.fixture
def engine(postgres_url: str) -> Iterator[Engine]:
    engine = make_engine(postgres_url)
    upgrade(engine)
    with engine.connect() as conn:
        if not conn.execute(text("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")
                            ).scalar():
            pytest.skip("reading the tables' files needs a PostgreSQL superuser")
    yield engine
    engine.dispose()


def files_holding(engine: Engine, needle: str) -> list[str]:
    """The personal tables whose files (after a checkpoint) still hold `needle`."""
    found = []
    with engine.connect() as conn:
        conn = conn.execution_options(isolation_level="AUTOCOMMIT")
        conn.exec_driver_sql("CHECKPOINT")
        for table in PERSONAL_TABLES:
            held = conn.execute(
                text(
                    "SELECT position(convert_to(:needle, 'UTF8') in "
                    "pg_read_binary_file(pg_relation_filepath(CAST(:table AS regclass)))) > 0"
                ),
                {"needle": needle, "table": table},
            ).scalar()
            if held:
                found.append(table)
    return found


def compacted_until_gone(compact: Callable[[], object], engine: Engine) -> list[str]:
    """Compacts until no file holds EMAIL (for a minute at most); the tables still holding it.

    VACUUM FULL keeps the old row versions a transaction still open in another session may
    see (another test process on the same server): they go on a later compaction."""
    deadline = time.monotonic() + 60
    while True:
        compact()
        left = files_holding(engine, EMAIL)
        if not left or time.monotonic() > deadline:
            return left
        time.sleep(0.5)


def customer_who_wrote_their_email(engine: Engine) -> str:
    store = ConversationStore(engine)
    customer = store.ensure_customer("ref-wombat", "Wombat", "en")
    conversation = store.create_conversation(customer.id, "web", "en")
    for n in range(5):
        store.append(conversation.id, [
            NewEvent(EventKind.MESSAGE, Source.CUSTOMER, text=f"mail me at {EMAIL} ({n})")
        ])
    return customer.id


def test_an_erasure_leaves_old_row_versions_until_the_tables_are_compacted(
    engine: Engine,
) -> None:
    customer = customer_who_wrote_their_email(engine)
    desk = PrivacyDesk(engine)
    desk.erase(customer, OPERATOR)
    assert "events" in files_holding(engine, EMAIL)  # what `compact` is for
    assert desk.compact() == list(PERSONAL_TABLES)
    assert compacted_until_gone(desk.compact, engine) == []


def test_erase_with_compact_from_the_command_line_leaves_no_copy(
    engine: Engine, postgres_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    customer = customer_who_wrote_their_email(engine)
    monkeypatch.setenv("RELAYDESK_DATABASE_URL", postgres_url)
    result = CliRunner().invoke(cli, ["privacy", "erase", customer, "--yes", "--compact"])
    assert result.exit_code == 0, result.output
    assert "Erased" in result.output and "privacy compact" not in result.output  # it compacted
    outputs: list[str] = []

    def compact_from_the_command_line() -> None:
        compacting = CliRunner().invoke(cli, ["privacy", "compact"])
        assert compacting.exit_code == 0, compacting.output
        outputs.append(compacting.output)

    assert compacted_until_gone(compact_from_the_command_line, engine) == []
    assert "Rewrote 9 tables" in outputs[-1]
