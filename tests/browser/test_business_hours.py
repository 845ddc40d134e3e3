"""Outside business hours, in chromium: the widget says honestly when people are back and
offers email, and the console's SLA clock stands still instead of breaking."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from browser.conftest import IDENTITY_SECRET, sending_email_through
from support.mail import SmtpTestServer
from support.server import ServerProcess

expect = pytest.importorskip("playwright.sync_api", reason="needs playwright").expect

pytestmark = pytest.mark.browser


def closed_today() -> str:
    """Open every day 09:00-17:00 UTC, but today is a holiday: back tomorrow at 09:00."""
    today = datetime.now(UTC).date().isoformat()
    hours = {"timezone": "UTC", "days": {"mon-sun": "09:00-17:00"}, "holidays": [today]}
    return json.dumps({"default": hours})


@pytest.fixture(scope="module")
def closed_server(
    tmp_path_factory: pytest.TempPathFactory, mail_server: SmtpTestServer, browser: Any
) -> Iterator[ServerProcess]:
    process = ServerProcess(
        tmp_path_factory.mktemp("closed-server"),
        env={
            "RELAYDESK_IDENTITY_SECRET": IDENTITY_SECRET,
            "RELAYDESK_ENVIRONMENT": "test",
            "RELAYDESK_DEMO_SHOP": "true",
            "RELAYDESK_ASSISTANT": "acknowledge",
            "RELAYDESK_BUSINESS_HOURS": closed_today(),
            # A one-minute target would break at once if closed time counted.
            "RELAYDESK_SLA_FIRST_RESPONSE_MINUTES": "1",
            **sending_email_through(mail_server),
        },
    )
    process.start(timeout=60)
    yield process
    process.stop()


def test_outside_hours_the_customer_hears_when_people_are_back_and_the_sla_waits(
    open_shop_at: Any, closed_server: ServerProcess, agent_console: Any, artifacts_dir: Path
) -> None:
    widget = open_shop_at(closed_server)
    widget.send("I need help with my invoice")
    expect(widget.messages("assistant")).to_have_count(1)
    widget.person.click()

    notice = widget.messages("system").last
    expect(notice).to_contain_text("Our team is away now, outside business hours, and back")
    expect(notice).to_contain_text("09:00 (UTC)")
    expect(notice).to_contain_text("leave your email address")
    expect(widget.status).not_to_contain_text("Expected wait")  # no wait nobody would keep
    form = widget.page.get_by_role("form", name="Leave your email and we'll reply by email")
    expect(form).to_be_visible()
    widget.page.screenshot(path=str(artifacts_dir / "widget-outside-business-hours.png"))

    console = agent_console(closed_server, "Nora Berg")
    row = console.locator(f'tr[data-conversation="{widget.state()["conversationId"]}"]')
    expect(row.get_by_test_id("sla")).to_contain_text("paused: closed until")
    console.wait_for_timeout(1500)  # the console's clock ticks every second: it must not move
    expect(row).to_have_class("work-row sla-paused")
    expect(row.get_by_test_id("sla")).not_to_contain_text("late by")
    console.screenshot(path=str(artifacts_dir / "console-sla-paused.png"), full_page=True)
