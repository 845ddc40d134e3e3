"""While a customer waits for a person, the widget offers a small form to leave an email for a
reply by email; the server's refusal is shown as it says it, and agents see the address."""

from __future__ import annotations

import time
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from support.mail import SmtpTestServer
from support.server import ServerProcess

pytestmark = pytest.mark.browser

TITLE = "Leave your email and we'll reply by email"


def test_a_waiting_customer_leaves_an_email_and_the_agent_sees_it(
    open_shop: Any,
    server: ServerProcess,
    agent_console: Any,
    artifacts_dir: Path,
    mail_server: SmtpTestServer,
) -> None:
    widget = open_shop()
    page = widget.page
    form = page.get_by_role("form", name=TITLE)
    widget.send("where is my refund?")
    expect(widget.messages("assistant")).to_have_count(1)
    expect(form).to_have_count(0)  # only while waiting for a person

    widget.person.click()
    expect(widget.status).to_contain_text("A person will join you")
    expect(form).to_be_visible()
    email = page.get_by_label("Your email address")

    email.fill("ann at example")
    form.get_by_role("button", name="Send email address").click()
    expect(form.get_by_role("alert")).to_have_text("That does not look like an email address.")
    expect(email).to_have_attribute("aria-invalid", "true")
    expect(email).to_be_focused()
    page.screenshot(path=str(artifacts_dir / "follow-up-refused.png"))

    page.keyboard.press("Control+A")
    page.keyboard.type("ann@example.com")
    page.keyboard.press("Enter")  # the keyboard alone submits it
    thanks = page.locator(".rd-follow-up-thanks")
    expect(thanks).to_have_text(
        "Thanks! If nobody reaches you here, we'll reply to ann@example.com by email."
    )
    expect(thanks).to_have_attribute("role", "status")
    expect(form).to_have_count(0)
    expect(widget.messages("system").last).to_contain_text("answer by email at ann@example.com")
    assert widget.state()["owner"] == "queued"  # still waiting: never dropped
    page.screenshot(path=str(artifacts_dir / "follow-up-left.png"))

    page.reload()
    widget.open()
    expect(widget.messages("system").last).to_contain_text("ann@example.com")
    expect(form).to_have_count(0)  # left once is enough

    cid = widget.state()["conversationId"]
    console = agent_console(server, "Maja")
    row = console.locator(f'tr[data-conversation="{cid}"]')
    expect(row.get_by_test_id("follow-up")).to_contain_text("ann@example.com", timeout=15_000)
    row.get_by_test_id("customer-name").click()
    expect(console.get_by_test_id("follow-up-email")).to_contain_text("ann@example.com")
    expect(console.get_by_test_id("follow-up-email").get_by_role("link")).to_have_attribute(
        "href", "mailto:ann@example.com"
    )
    console.get_by_role("button", name="Claim this conversation").click()
    expect(widget.status).to_contain_text("You are chatting with Maja.")
    expect(page.locator(".rd-follow-up-slot")).to_be_empty()

    # The agent's reply also goes to the address left, by email.
    console.get_by_label("Reply to the customer").fill("Hi Ann, Maja here: refund sent.")
    console.get_by_role("button", name="Send reply").click()
    mailed = wait_for_email(mail_server, "ann@example.com", containing="Maja here")
    assert "Maja here: refund sent." in mailed.get_content()


def wait_for_email(
    mail: SmtpTestServer, to: str, containing: str, timeout: float = 20.0
) -> EmailMessage:
    """The email to `to` that says `containing`: the mail server is shared by other tests."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for message in mail.recorder.messages:
            if message["To"] == to and containing in message.get_content():
                return message
        time.sleep(0.2)
    raise AssertionError(f"no email to {to} arrived")
