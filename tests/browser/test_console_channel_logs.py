"""Supervisors read the channels' logs in the console: webhook deliveries (and retry one that
was given up) and the email outbox; agents see and download what a customer attached to an
email. A real server reads dovecot, sends through the test SMTP server, and posts webhooks
to an address where nothing listens."""

from __future__ import annotations

import time
from collections.abc import Iterator
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import pytest
from imapclient import IMAPClient
from sqlalchemy import Engine, select, update

from browser.conftest import CHROMIUM, keep_screenshot, sending_email_through
from relaydesk.desk.agents import AgentDesk
from relaydesk.domain.agents import Role
from relaydesk.store.agents import AgentStore
from relaydesk.store.engine import make_engine
from relaydesk.store.migrate import upgrade
from relaydesk.store.tables import conversations, outbox_emails, webhook_deliveries
from relaydesk.webhooks.store import WebhookStore
from support.imap import ImapTestServer, imap_server
from support.mail import SmtpTestServer
from support.server import ServerProcess
from support.services import free_port

pytestmark = pytest.mark.browser

CUSTOMER = "rosa.channels@mail.example"
RECEIPT = b"%PDF-1.4 a receipt for order ORD-100001\n"
PASSWORD = "supervisor test password"


@pytest.fixture
def engine(tmp_path: Path) -> Iterator[Engine]:
    engine = make_engine(f"sqlite:///{tmp_path / 'relaydesk.sqlite3'}")
    upgrade(engine)
    yield engine
    engine.dispose()


@pytest.fixture
def channel_server(
    tmp_path: Path, engine: Engine, mail_server: SmtpTestServer
) -> Iterator[tuple[ServerProcess, ImapTestServer]]:
    if not CHROMIUM.exists():
        pytest.skip(f"No chromium at {CHROMIUM}: apt-get install -y chromium.")
    # Registered before the server starts; nothing listens there, so deliveries wait.
    WebhookStore(engine).register(f"http://127.0.0.1:{free_port()}/hooks", None, "CRM", None)
    with imap_server() as mailbox:
        process = ServerProcess(
            tmp_path,
            env={
                "RELAYDESK_ENVIRONMENT": "test",
                "RELAYDESK_ASSISTANT": "acknowledge",
                **sending_email_through(mail_server),
                "RELAYDESK_IMAP_HOST": "127.0.0.1",
                "RELAYDESK_IMAP_PORT": str(mailbox.port),
                "RELAYDESK_IMAP_SECURITY": "none",
                "RELAYDESK_IMAP_USERNAME": mailbox.username,
                "RELAYDESK_IMAP_PASSWORD": mailbox.password,
                "RELAYDESK_IMAP_POLL_S": "1",
            },
        )
        process.start(timeout=60)
        yield process, mailbox
        process.stop()


def mail_with_a_receipt(mailbox: ImapTestServer) -> None:
    message = EmailMessage()
    message["From"], message["To"] = f"Rosa <{CUSTOMER}>", "support@shop.example"
    message["Subject"], message["Message-ID"] = "My receipt", "<receipt1@mail.example>"
    message.set_content("Here is my receipt for the refund.")
    message.add_attachment(RECEIPT, maintype="application", subtype="pdf", filename="receipt.pdf")
    with IMAPClient("127.0.0.1", port=mailbox.port, ssl=False) as client:
        client.login(mailbox.username, mailbox.password)
        client.append("INBOX", message.as_bytes())


def wait_for(engine: Engine, query: Any, what: str, timeout: float = 60.0) -> Any:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with engine.connect() as conn:
            found = conn.execute(query).first()
        if found is not None:
            return found
        time.sleep(0.3)
    raise AssertionError(f"never saw {what}")


def signed_in(browser: Any, server: ServerProcess, engine: Engine, role: Role) -> Any:
    email = f"{role.value}.logs@example.com"
    AgentDesk(AgentStore(engine), "unused").add_agent(
        email=email, display_name=role.value.title(), password=PASSWORD, role=role
    )
    context = browser.new_context(viewport={"width": 1280, "height": 900}, accept_downloads=True)
    context.set_default_timeout(15_000)
    page = context.new_page()
    page.goto(f"{server.url}/console")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"{server.url}/console")
    return page


def test_supervisors_read_the_webhook_and_outbox_logs_and_agents_download_attachments(
    channel_server: tuple[ServerProcess, ImapTestServer],
    engine: Engine,
    mail_server: SmtpTestServer,
    browser: Any,
    artifacts_dir: Path,
) -> None:
    from playwright.sync_api import expect

    server, mailbox = channel_server
    mail_with_a_receipt(mailbox)
    (cid,) = wait_for(
        engine, select(conversations.c.id).where(conversations.c.channel == "email"),
        "the email conversation",
    )
    wait_for(
        engine,
        select(outbox_emails.c.id).where(
            outbox_emails.c.conversation_id == cid, outbox_emails.c.status == "sent"
        ),
        "the answer sent by email",
    )
    supervisor = signed_in(browser, server, engine, Role.SUPERVISOR)
    try:
        supervisor.get_by_role("link", name="Webhooks").click()
        log = supervisor.get_by_test_id("webhook-deliveries")
        mine = log.locator("tr", has_text=cid)
        expect(mine.filter(has_text="conversation.started")).to_have_count(1)
        expect(mine.filter(has_text="message.created").first).to_be_visible()
        expect(supervisor.get_by_test_id("webhook-endpoints")).to_contain_text("/hooks")

        # A delivery given up after its last attempt can be queued again from the log.
        with engine.begin() as conn:
            given_up = conn.execute(
                select(webhook_deliveries.c.id).where(
                    webhook_deliveries.c.conversation_id == cid,
                    webhook_deliveries.c.event_type == "conversation.started",
                )
            ).scalar_one()
            conn.execute(
                update(webhook_deliveries)
                .where(webhook_deliveries.c.id == given_up)
                .values(status="failed", last_error="Connection refused")
            )
        supervisor.reload()
        row = supervisor.locator(f"tr[data-delivery='{given_up}']")
        expect(row).to_have_attribute("data-status", "failed")
        row.get_by_role("button", name="Retry").click()
        expect(supervisor.locator(f"tr[data-delivery='{given_up}']")).not_to_have_attribute(
            "data-status", "failed"
        )

        supervisor.get_by_role("link", name="Outbox").click()
        sent = supervisor.get_by_test_id("outbox").locator("tr", has_text=CUSTOMER)
        expect(sent.first).to_contain_text("Re: My receipt")
        expect(sent.first).to_have_attribute("data-status", "sent")

        supervisor.goto(f"{server.url}/console/conversations/{cid}")
        attachments = supervisor.get_by_test_id("attachments")
        expect(attachments).to_contain_text("receipt.pdf")
        expect(attachments).to_contain_text("application/pdf")
        with supervisor.expect_download() as download:
            attachments.get_by_role("link", name="receipt.pdf").click()
        assert Path(download.value.path()).read_bytes() == RECEIPT
    finally:
        keep_screenshot(supervisor, artifacts_dir / "console_channel_logs.png")
        supervisor.context.close()

    agent = signed_in(browser, server, engine, Role.AGENT)
    try:
        expect(agent.get_by_role("link", name="Webhooks")).to_have_count(0)
        agent.goto(f"{server.url}/console/outbox")
        expect(agent.locator(".notice")).to_contain_text("Only supervisors")
    finally:
        agent.context.close()
