"""The email outbox: queued with the event that causes it, sent over SMTP once."""

from __future__ import annotations

import ssl
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select

from relaydesk.channels.email.outbox import Outbox, queue_email
from relaydesk.channels.email.sender import OutboxSender
from relaydesk.channels.email.smtp import SmtpServer
from relaydesk.domain.message_payloads import FollowUpAsked
from relaydesk.domain.model import Source
from relaydesk.store.conversations import ConversationStore
from relaydesk.store.tables import events, outbox_emails
from support.mail import PASSWORD, USERNAME, SmtpTestServer, smtp_server

from .helpers import ARTICLE, SUPPORT, email_conversation, email_store, say


@pytest.fixture
def store(database_url: str) -> Iterator[ConversationStore]:
    with email_store(database_url) as store:
        yield store


@pytest.fixture
def tls_server(tmp_path: Path) -> Iterator[SmtpTestServer]:
    with smtp_server(tmp_path, starttls=True) as server:
        yield server


def sender_for(
    store: ConversationStore, server: SmtpTestServer, password: str = PASSWORD
) -> OutboxSender:
    assert isinstance(server.client_context, ssl.SSLContext)
    smtp = SmtpServer(
        "127.0.0.1", server.port, "starttls", USERNAME, password, 5.0, server.client_context
    )
    outbox = Outbox(store.engine, max_attempts=3, first_retry_s=30.0)
    return OutboxSender(outbox, smtp, SUPPORT, "Shop support")


def test_an_assistant_reply_to_an_email_is_queued_as_a_threaded_email(
    store: ConversationStore,
) -> None:
    conversation, thread = email_conversation(store, "anna@mail.example", "Anna Berg", "de")
    store.append(conversation.id, [say(Source.CUSTOMER, "Was kostet eine Mahngebühr?")])
    store.append(conversation.id, [say(Source.ASSISTANT, f"Siehe {ARTICLE} für Details.")])

    (queued,) = Outbox(store.engine).list(conversation.id)
    assert queued.recipient == "anna@mail.example"
    assert queued.subject == f"Re: Late fee question [ref:{thread.token}]"
    assert queued.headers["In-Reply-To"] == "<q1@mail.example>"
    assert queued.headers["Reply-To"] == f"support+{thread.token}@shop.example"
    assert queued.body_text.startswith("Hallo Anna,\n\n")
    assert f"Late fees <{ARTICLE}>" in queued.body_text
    assert queued.body_text.endswith("-- \nThe Shop team\n")


def test_the_next_email_in_a_thread_refers_to_the_one_before(store: ConversationStore) -> None:
    conversation, _ = email_conversation(store, "anna@mail.example")
    store.append(conversation.id, [say(Source.ASSISTANT, "First answer.")])
    store.append(conversation.id, [say(Source.AGENT, "Second answer.")])
    first, second = Outbox(store.engine).list(conversation.id)
    assert second.headers["In-Reply-To"] == first.message_id
    assert second.headers["References"].split() == ["<q1@mail.example>", first.message_id]


def test_a_question_with_choices_lists_them_so_the_customer_can_write_one_back(
    store: ConversationStore,
) -> None:
    conversation, _ = email_conversation(store, "anna@mail.example")
    asked = say(Source.ASSISTANT, "Change your email address to new@mail.example?")
    choices = [{"label": "Yes, change it", "value": "yes"}, {"label": "No", "value": "no"}]
    store.append(conversation.id, [replace(asked, data={"choices": choices})])
    (queued,) = Outbox(store.engine).list(conversation.id)
    assert "new@mail.example?\n  - Yes, change it\n  - No\n" in queued.body_text


def test_an_email_and_its_event_are_stored_together_or_not_at_all(
    store: ConversationStore,
) -> None:
    conversation, _ = email_conversation(store, "anna@mail.example")

    def later_step_fails(*_: object) -> None:
        raise RuntimeError("crash after the email was queued")

    store.append_hooks.append(later_step_fails)
    with pytest.raises(RuntimeError):
        store.append(conversation.id, [say(Source.ASSISTANT, "An answer.")])
    with store.engine.begin() as conn:
        assert conn.execute(select(func.count()).select_from(outbox_emails)).scalar() == 0
        assert conn.execute(select(func.count()).select_from(events)).scalar() == 0


def test_customer_messages_and_web_conversations_send_no_email(store: ConversationStore) -> None:
    customer = store.ensure_customer(None, "Visitor", "en")
    web = store.create_conversation(customer.id, "web", "en")
    store.append(web.id, [say(Source.CUSTOMER, "hi"), say(Source.ASSISTANT, "Hello!")])
    mailed, _ = email_conversation(store, "anna@mail.example")
    store.append(mailed.id, [say(Source.CUSTOMER, "another question")])
    assert Outbox(store.engine).list() == []


def test_a_follow_up_address_gets_the_agents_reply_but_not_the_assistants(
    store: ConversationStore,
) -> None:
    customer = store.ensure_customer(None, "Visitor", "en")
    web = store.create_conversation(customer.id, "web", "en")
    left = FollowUpAsked("v@x.example").event("The customer asked for a follow-up by email")
    store.append(web.id, [left, say(Source.SYSTEM, "We'll reply by email.")])
    store.append(web.id, [say(Source.ASSISTANT, "Still waiting for a person.")])
    store.append(web.id, [say(Source.AGENT, "Hi, Sam here: your refund is on its way.")])
    (queued,) = Outbox(store.engine).list(web.id)
    assert queued.recipient == "v@x.example"
    assert "your refund is on its way" in queued.body_text


def test_the_sender_uses_starttls_and_a_login_and_keeps_each_message_id(
    store: ConversationStore, tls_server: SmtpTestServer
) -> None:
    with store.engine.begin() as conn:
        ids = [
            queue_email(
                conn,
                message_id=f"<m{n}@shop.example>",
                recipient=f"c{n}@mail.example",
                subject=f"Answer {n}",
                body_text="Hello,\n\nYour answer.\n",
                headers={},
            )
            for n in range(3)
        ]
    assert sender_for(store, tls_server).send_due() == 3
    assert sorted(tls_server.recorder.message_ids()) == [f"<m{n}@shop.example>" for n in range(3)]
    assert {email.status for email in Outbox(store.engine).list()} == {"sent"}
    assert len(ids) == 3


def test_a_wrong_password_is_retried_later_and_the_email_waits(
    store: ConversationStore, tls_server: SmtpTestServer
) -> None:
    with store.engine.begin() as conn:
        queue_email(
            conn,
            message_id="<a@shop.example>",
            recipient="c@mail.example",
            subject="s",
            body_text="b",
            headers={},
        )
    assert sender_for(store, tls_server, password="wrong").send_due() == 0
    (waiting,) = Outbox(store.engine).list()
    assert (waiting.status, waiting.attempts) == ("queued", 1)
    assert "Authentication" in (waiting.last_error or "")
    assert tls_server.recorder.messages == []


def test_a_temporary_refusal_is_retried_and_a_permanent_one_is_given_up(
    store: ConversationStore, tls_server: SmtpTestServer
) -> None:
    with store.engine.begin() as conn:
        for name in ("later", "never"):
            queue_email(
                conn,
                message_id=f"<{name}@shop.example>",
                recipient=f"{name}@mail.example",
                subject=name,
                body_text="b",
                headers={},
            )
    tls_server.recorder.refuse_next[:] = ["451 Try again later", "550 No such user"]
    sender = sender_for(store, tls_server)
    assert sender.send_due() == 0
    by_id = {email.message_id: email for email in Outbox(store.engine).list()}
    assert by_id["<later@shop.example>"].status == "queued"
    assert by_id["<never@shop.example>"].status == "failed"

    later = sender.outbox.claim_due(now=datetime.now(UTC) + timedelta(hours=2))
    assert [email.message_id for email in later] == ["<later@shop.example>"]
