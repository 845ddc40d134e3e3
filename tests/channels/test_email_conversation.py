"""A customer served by email: dovecot holds the support mailbox, aiosmtpd receives what
relaydesk sends, and the demo assistant answers, as it does in chat."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from email.message import EmailMessage
from pathlib import Path

import pytest
from imapclient import IMAPClient
from sqlalchemy import Engine, select

from relaydesk.api.app import build_services
from relaydesk.api.deps import Services
from relaydesk.assistant.engine import PackAssistant
from relaydesk.channels.email.imap import MailboxReader
from relaydesk.channels.email.sender import OutboxSender
from relaydesk.channels.wiring import mailbox_reader, outbox_sender
from relaydesk.domain.agents import Disposition
from relaydesk.domain.model import ConversationId, Owner
from relaydesk.settings import Settings
from relaydesk.store.tables import (
    conversations,
    email_attachments,
    email_threads,
    inbound_emails,
)
from support.demo import assistant_on
from support.imap import ImapTestServer, imap_server
from support.mail import SmtpTestServer, smtp_server

SUPPORT = "support@shop.example"
ANNA = "Anna Berg <anna@mail.example>"


@dataclass
class EmailDesk:
    services: Services
    reader: MailboxReader
    sender: OutboxSender
    imap: ImapTestServer
    smtp: SmtpTestServer

    def deliver(self, message: EmailMessage) -> None:
        """The customer's email arrives in the support mailbox."""
        with IMAPClient("127.0.0.1", port=self.imap.port, ssl=False) as client:
            client.login(self.imap.username, self.imap.password)
            client.append("INBOX", message.as_bytes())

    def read_and_answer(self) -> int:
        client = self.reader.mailbox.connect()
        try:
            taken = self.reader.read_new(client)
        finally:
            client.logout()
        self.sender.send_due()
        return taken

    @property
    def engine(self) -> Engine:
        return self.services.store.engine


@pytest.fixture
def email_desk(
    demo_assistant: PackAssistant, backend: Engine, tmp_path: Path
) -> Iterator[EmailDesk]:
    with imap_server() as imap, smtp_server(tmp_path) as smtp:
        settings = Settings(
            database_url=str(backend.url),
            data_dir=tmp_path,
            environment="test",
            email_address=SUPPORT,
            email_display_name="Pay-later support",
            email_signature="The pay-later team",
            smtp_host="127.0.0.1",
            smtp_port=smtp.port,
            smtp_security="none",
            imap_host="127.0.0.1",
            imap_port=imap.port,
            imap_security="none",
            imap_username=imap.username,
            imap_password=imap.password,
            channel_workers=False,
        )
        services = build_services(settings, assistant_on(demo_assistant, backend))
        reader = mailbox_reader(settings, services.conversations)
        yield EmailDesk(services, reader, outbox_sender(settings, backend), imap, smtp)
        services.store.engine.dispose()


def customer_mail(text: str, message_id: str, **headers: str) -> EmailMessage:
    message = EmailMessage()
    message["From"] = headers.pop("From", ANNA)
    message["To"] = headers.pop("To", SUPPORT)
    message["Subject"] = headers.pop("Subject", "Paying late")
    message["Message-ID"] = message_id
    for name, value in headers.items():
        message[name.replace("_", "-")] = value
    message.set_content(text)
    return message


def email_conversations(engine: Engine) -> list[tuple[str, str]]:
    with engine.begin() as conn:
        rows = conn.execute(
            select(conversations.c.id, conversations.c.owner).where(
                conversations.c.channel == "email"
            )
        ).all()
    return [(row.id, row.owner) for row in rows]


def test_a_question_by_email_is_answered_by_email_in_the_same_thread(
    email_desk: EmailDesk,
) -> None:
    email_desk.deliver(customer_mail("What happens if I pay late?", "<q1@mail.example>"))
    assert email_desk.read_and_answer() == 1

    (answer,) = email_desk.smtp.recorder.messages
    assert answer["To"] == "anna@mail.example"
    assert answer["In-Reply-To"] == "<q1@mail.example>"
    assert str(answer["Subject"]).startswith("Re: Paying late [ref:")
    body = answer.get_content().replace("\r\n", "\n")
    assert body.startswith("Hello Anna,\n\n")
    assert "late fee" in body.lower()
    assert re.search(r"\w\? <http://[^>]+/help/en/[\w-]+>", body)  # a titled link
    assert body.rstrip().endswith("-- \nThe pay-later team")
    assert "Pay-later support" in str(answer["From"])


def test_a_reply_joins_its_conversation_and_a_person_answers_it_by_email(
    email_desk: EmailDesk,
) -> None:
    email_desk.deliver(customer_mail("What happens if I pay late?", "<q1@mail.example>"))
    email_desk.read_and_answer()
    (first,) = email_desk.smtp.recorder.messages
    reply = customer_mail(
        "I want to talk to a person\n\nOn Monday, support wrote:\n> Hello Anna,\n",
        "<r2@mail.example>",
        Subject=f"Re: {first['Subject']}",
        In_Reply_To=str(first["Message-ID"]),
        References=f"<q1@mail.example> {first['Message-ID']}",
    )
    email_desk.deliver(reply)
    email_desk.read_and_answer()
    ((conversation_id, owner),) = email_conversations(email_desk.engine)
    assert owner == Owner.QUEUED.value
    services = email_desk.services
    assert services.routing.sync_queue() == 1

    agent = services.agents.add_agent(
        email="sam@shop.example", display_name="Sam", password="a long enough password"
    )
    cid = ConversationId(conversation_id)
    services.routing.claim(cid, agent)
    services.agent_work.reply(cid, agent, "Hi Anna, I have moved your due date.", None)
    services.agent_work.close(cid, agent, Disposition.RESOLVED)
    email_desk.sender.send_due()

    sent = email_desk.smtp.recorder.messages
    from_agent = sent[-1]
    assert "I have moved your due date." in from_agent.get_content()
    assert from_agent["In-Reply-To"] == str(sent[-2]["Message-ID"])
    assert "<q1@mail.example>" in str(from_agent["References"])
    assert {str(message["Subject"]) for message in sent} == {str(first["Subject"])}
    customer_texts = [
        e.text for e in services.store.events_after(cid, 0) if e.source.value == "customer"
    ]
    assert customer_texts == ["What happens if I pay late?", "I want to talk to a person"]


def test_a_closed_conversation_masks_the_address_and_learns_it_again_from_a_reply(
    email_desk: EmailDesk,
) -> None:
    email_desk.deliver(customer_mail("What happens if I pay late?", "<q1@mail.example>"))
    email_desk.read_and_answer()
    (first,) = email_desk.smtp.recorder.messages
    ((conversation_id, _),) = email_conversations(email_desk.engine)
    email_desk.services.conversations.close_by_customer(ConversationId(conversation_id))
    with email_desk.engine.begin() as conn:
        assert conn.execute(select(email_threads.c.address)).scalar() == "[email]"
        assert conn.execute(select(inbound_emails.c.sender)).scalar() == "[email]"

    reply = customer_mail(
        "And how much is the late fee?",
        "<r2@mail.example>",
        Subject=f"Re: {first['Subject']}",
        In_Reply_To=str(first["Message-ID"]),
    )
    email_desk.deliver(reply)
    email_desk.read_and_answer()
    assert email_conversations(email_desk.engine) == [(conversation_id, Owner.ASSISTANT.value)]
    _, second_answer = email_desk.smtp.recorder.messages
    assert second_answer["To"] == "anna@mail.example"
    assert second_answer["In-Reply-To"] == "<r2@mail.example>"


def test_a_reply_without_threading_headers_finds_its_conversation_by_the_token(
    email_desk: EmailDesk,
) -> None:
    email_desk.deliver(customer_mail("What happens if I pay late?", "<q1@mail.example>"))
    email_desk.read_and_answer()
    (first,) = email_desk.smtp.recorder.messages
    email_desk.deliver(
        customer_mail("And can I pay on Friday?", "<r2@mail.example>", To=str(first["Reply-To"]))
    )
    email_desk.read_and_answer()
    assert len(email_conversations(email_desk.engine)) == 1


def test_auto_replies_bounces_and_lists_get_no_answer_and_start_nothing(
    email_desk: EmailDesk,
) -> None:
    email_desk.deliver(
        customer_mail("I am out of office.", "<ooo@mail.example>", Auto_Submitted="auto-replied")
    )
    email_desk.deliver(customer_mail("News!", "<news@mail.example>", List_Id="<news.example>"))
    email_desk.deliver(customer_mail("Hi", "<loop@shop.example>", From=SUPPORT))
    assert email_desk.read_and_answer() == 3
    assert email_desk.smtp.recorder.messages == []
    assert email_conversations(email_desk.engine) == []
    with email_desk.engine.begin() as conn:
        outcomes = set(conn.execute(select(inbound_emails.c.disposition)).scalars())
    assert outcomes == {"ignored:auto_submitted", "ignored:mailing_list", "ignored:own_address"}


def test_an_email_read_twice_is_taken_once_and_attachments_are_kept_within_limits(
    email_desk: EmailDesk,
) -> None:
    message = customer_mail("Here is my receipt.", "<q1@mail.example>")
    message.add_attachment(b"%PDF-1.4", maintype="application", subtype="pdf", filename="r.pdf")
    message.add_attachment(
        b"MZ...", maintype="application", subtype="x-msdownload", filename="run.exe"
    )
    email_desk.deliver(message)
    email_desk.read_and_answer()
    intake_twice = email_desk.reader.take(message.as_bytes())
    assert intake_twice == "started"
    ((conversation_id, _),) = email_conversations(email_desk.engine)
    events = email_desk.services.store.events_after(ConversationId(conversation_id), 0)
    (said,) = [e.text for e in events if e.source.value == "customer"]
    assert said == (
        "Here is my receipt.\n\n[Attachments: r.pdf (8 bytes)]"
        "\n\n[Attachments not kept: run.exe (type not accepted)]"
    )
    with email_desk.engine.begin() as conn:
        kept = conn.execute(select(email_attachments.c.filename, email_attachments.c.content))
        assert [tuple(row) for row in kept] == [("r.pdf", b"%PDF-1.4")]
