"""By email, end to end: a customer mails a question to the support mailbox (dovecot), the
assistant's answer arrives in the same thread (aiosmtpd), the customer replies that they
want a person, an agent answers in the console, that reply arrives by email, and the agent
closes the conversation."""

from __future__ import annotations

import time
from collections.abc import Iterator
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import pytest
from imapclient import IMAPClient
from sqlalchemy import select

from browser.conftest import sending_email_through, server_database_url, start_assistant_server
from relaydesk.store.engine import make_engine
from relaydesk.store.tables import conversations
from support.imap import ImapTestServer, imap_server
from support.mail import SmtpTestServer
from support.server import ServerProcess

pytestmark = pytest.mark.browser

CUSTOMER = "anna@mail.example"


@pytest.fixture
def mailbox() -> Iterator[ImapTestServer]:
    with imap_server() as server:
        yield server


@pytest.fixture
def email_server(
    tmp_path: Path, mailbox: ImapTestServer, mail_server: SmtpTestServer
) -> Iterator[ServerProcess]:
    """The demo assistant's server, reading the mailbox and sending through the SMTP server."""
    env = {
        **sending_email_through(mail_server),
        "RELAYDESK_EMAIL_DISPLAY_NAME": "Pay-later support",
        "RELAYDESK_IMAP_HOST": "127.0.0.1",
        "RELAYDESK_IMAP_PORT": str(mailbox.port),
        "RELAYDESK_IMAP_SECURITY": "none",
        "RELAYDESK_IMAP_USERNAME": mailbox.username,
        "RELAYDESK_IMAP_PASSWORD": mailbox.password,
        "RELAYDESK_IMAP_POLL_S": "2",
    }
    process = start_assistant_server(tmp_path, env)
    yield process
    process.stop()


def deliver(mailbox: ImapTestServer, text: str, message_id: str, **headers: str) -> None:
    message = EmailMessage()
    message["From"] = f"Anna Berg <{CUSTOMER}>"
    message["To"] = "support@shop.example"
    message["Subject"] = headers.pop("Subject", "Paying late")
    message["Message-ID"] = message_id
    for name, value in headers.items():
        message[name.replace("_", "-")] = value
    message.set_content(text)
    with IMAPClient("127.0.0.1", port=mailbox.port, ssl=False) as client:
        client.login(mailbox.username, mailbox.password)
        client.append("INBOX", message.as_bytes())


def emails_to(mail: SmtpTestServer, count: int, timeout: float = 60.0) -> list[EmailMessage]:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = [m for m in mail.recorder.messages if m["To"] == CUSTOMER]
        if len(found) >= count:
            return found
        time.sleep(0.2)
    raise AssertionError(f"fewer than {count} emails reached {CUSTOMER}")


def email_conversation(server: ServerProcess) -> tuple[str, str]:
    engine = make_engine(server_database_url(server))
    try:
        with engine.begin() as conn:
            row = conn.execute(
                select(conversations.c.id, conversations.c.owner).where(
                    conversations.c.channel == "email"
                )
            ).one()
    finally:
        engine.dispose()
    return row.id, row.owner


def test_a_customer_is_served_by_email_by_the_assistant_and_then_by_an_agent(
    email_server: ServerProcess,
    mailbox: ImapTestServer,
    mail_server: SmtpTestServer,
    agent_console: Any,
) -> None:
    deliver(mailbox, "What happens if I pay late?", "<q1@mail.example>")
    (answer,) = emails_to(mail_server, 1)
    assert answer["In-Reply-To"] == "<q1@mail.example>"
    assert "late fee" in answer.get_content().lower()

    deliver(
        mailbox,
        "I want to talk to a person\n\nOn Monday, Pay-later support wrote:\n> Hello Anna,\n",
        "<r2@mail.example>",
        Subject=f"Re: {answer['Subject']}",
        In_Reply_To=str(answer["Message-ID"]),
        References=f"<q1@mail.example> {answer['Message-ID']}",
    )
    cid, owner = wait_for_owner(email_server, "queued")

    console = agent_console(email_server, "Maja")
    console.goto(f"{email_server.url}/console/conversations/{cid}")
    console.get_by_role("button", name="Claim this conversation").click()
    console.get_by_label("Reply to the customer").fill("Hi Anna, Maja here. I moved your due date.")
    console.get_by_role("button", name="Send reply").click()
    from_agent = next(m for m in emails_to(mail_server, 3) if "Maja here" in m.get_content())
    assert "<q1@mail.example>" in str(from_agent["References"])
    assert from_agent["Subject"] == answer["Subject"]

    console.get_by_role("button", name="Close").click()
    assert wait_for_owner(email_server, "closed") == (cid, "closed")
    assert owner == "queued"
    replies = [m for m in mail_server.recorder.messages if m["To"] == CUSTOMER]
    assert len({str(m["Message-ID"]) for m in replies}) == len(replies)  # none sent twice


def wait_for_owner(server: ServerProcess, owner: str, timeout: float = 60.0) -> tuple[str, str]:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            found = email_conversation(server)
        except Exception:  # not created yet
            found = ("", "")
        if found[1] == owner:
            return found
        time.sleep(0.3)
    raise AssertionError(f"the email conversation never became {owner}")
