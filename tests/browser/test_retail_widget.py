"""The store's first training task, solved by a customer in the widget of its demo shop.

`RELAYDESK_PACK=retail relaydesk demo` serves the store; a visitor exchanges a keyboard and a
thermostat for other variants after proving who they are by name and zip code, and the
store's tables end exactly as the task's gold calls leave a fresh copy of the store.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from browser.conftest import IDENTITY_SECRET, _require_browser
from relaydesk.packs.retail.backend import export_snapshot
from relaydesk.packs.retail.evaluation.compare import first_difference
from relaydesk.packs.retail.evaluation.replay import StoreCopies, replay_actions
from relaydesk.packs.retail.evaluation.tasks import load_tasks
from relaydesk.store.engine import make_engine
from support.server import ServerProcess

expect = pytest.importorskip("playwright.sync_api", reason="needs playwright").expect

pytestmark = pytest.mark.browser

ORDER = "#W2378156"


@pytest.fixture(scope="module")
def store_demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerProcess]:
    """`relaydesk demo` with the retail pack, as its docs say to start it."""
    _require_browser()
    process = ServerProcess(
        tmp_path_factory.mktemp("retail-demo"),
        env={
            "RELAYDESK_PACK": "retail",
            "RELAYDESK_ASSISTANT": "pack",
            "RELAYDESK_IDENTITY_SECRET": IDENTITY_SECRET,
            "RELAYDESK_ENVIRONMENT": "test",
        },
        command="demo",
    )
    process.start(timeout=300)  # seeds db.json and loads the store's models
    yield process
    process.stop()


def store_end_state(server: ServerProcess) -> dict[str, Any]:
    engine = make_engine(f"sqlite:///{server.data_dir / 'relaydesk.sqlite3'}")
    try:
        with engine.connect() as conn:
            return export_snapshot(conn)
    finally:
        engine.dispose()


def gold_end_state(folder: Path) -> dict[str, Any]:
    """A fresh copy of the store after task 0's gold calls."""
    task = next(task for task in load_tasks() if task.id == "0")
    with StoreCopies(folder).fresh() as engine:
        replay = replay_actions(engine, task.gold_actions)
        assert not replay.refused
        with engine.connect() as conn:
            return export_snapshot(conn)


def test_a_visitor_exchanges_a_keyboard_and_a_thermostat_in_the_store_widget(
    open_shop_at: Any, store_demo: ServerProcess, artifacts_dir: Path, tmp_path: Path
) -> None:
    before = store_end_state(store_demo)
    assert before["orders"][ORDER]["status"] == "delivered"
    widget = open_shop_at(store_demo, "?anonymous=1")
    expect(widget.page.get_by_test_id("signed-in")).to_have_text("Browsing as a visitor")
    assistant = widget.messages("assistant")

    widget.send(f"Hi, I received my order {ORDER} and I'd like to exchange two things from it.")
    expect(assistant.last).to_contain_text("confirm who you are")

    widget.send("I don't remember my email. I'm Yusuf Rossi, zip code 19122.")
    expect(assistant.last).to_contain_text("Which items would you like to exchange?")
    expect(widget.log).to_contain_text("Thank you, Yusuf, you are verified.")

    widget.send(
        "The mechanical keyboard, I want the same one but with clicky switches. And the smart "
        "thermostat, I want one compatible with Google Home instead of Apple HomeKit."
    )
    expect(assistant.last).to_contain_text("Which would you like?")
    expect(assistant.last).to_contain_text("switch type clicky")

    widget.send(
        "If there's no clicky one with RGB backlight in full size, I'd go for no backlight."
    )
    expect(assistant.last).to_contain_text("Would you like me to go ahead?")
    proposal = assistant.last.inner_text()
    for detail in ("Mechanical Keyboard", "backlight none", "Smart Thermostat",
                   "Google Assistant", "Price difference", "only once"):
        assert detail in proposal, proposal
    expect(widget.page.locator(".rd-choice")).to_have_count(2)  # yes / no, one tap each
    widget.page.screenshot(path=str(artifacts_dir / "retail-task-0-confirmation.png"))
    assert store_end_state(store_demo)["orders"][ORDER]["status"] == "delivered"

    widget.send("Yes, that's everything. Please go ahead.")
    expect(widget.log).to_contain_text(f"The exchange for order {ORDER} is requested")

    after = store_end_state(store_demo)
    assert after["orders"][ORDER]["status"] == "exchange requested"
    assert first_difference(gold_end_state(tmp_path), after) is None
