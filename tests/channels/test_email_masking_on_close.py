"""Closing a conversation masks its email rows as the transcript policy masks its events, in
the close's own transaction; an email still waiting to be sent goes out as written and is
masked once it is sent or given up."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import pytest
from sqlalchemy import insert, select

from relaydesk.channels.email.outbox import Outbox
from relaydesk.domain.model import ConversationId, Owner, Source
from relaydesk.domain.ownership import Transition, apply_transition
from relaydesk.security.transcripts import masked_on_close
from relaydesk.store.conversations import ConversationStore
from relaydesk.store.tables import (
    email_attachments,
    email_threads,
    inbound_emails,
    outbox_emails,
    queue_entries,
)

from .helpers import email_conversation, email_store, say

ANNA = "anna@mail.example"
PHONE = "+46 70 123 45 67"
PHOTO = b"\x89PNG\r\n\x1a\n" + ANNA.encode()  # bytes nobody can read for masking


@pytest.fixture
def store(database_url: str) -> Iterator[ConversationStore]:
    with email_store(database_url, "mask_sensitive") as store:
        yield store


def close(store: ConversationStore, conversation_id: ConversationId) -> None:
    conversation = store.get_conversation(conversation_id)
    change = apply_transition(conversation.owner, Transition.CLOSE)
    store.append(
        conversation_id,
        [change.event(Source.SYSTEM)],
        owner_change=(change, conversation.version),
    )


def received(store: ConversationStore, conversation_id: str) -> None:
    """Anna's email as the intake records it: the mail, a text and an image attachment."""
    now = datetime.now(UTC)
    with store.engine.begin() as conn:
        conn.execute(
            insert(inbound_emails).values(
                message_id="<q1@mail.example>", conversation_id=conversation_id, sender=ANNA,
                subject=f"Call me on {PHONE}", disposition="started", received_at=now,
            )
        )  # fmt: skip
        for index, (name, kind, content) in enumerate(
            [(f"{ANNA} letter.txt", "text/plain", f"Write to {ANNA}".encode()),
             ("receipt.png", "image/png", PHOTO)]
        ):  # fmt: skip
            conn.execute(
                insert(email_attachments).values(
                    id=f"att_{index}", conversation_id=conversation_id,
                    message_id="<q1@mail.example>", filename=name, content_type=kind,
                    size=len(content), content=content, created_at=now,
                )
            )  # fmt: skip
        conn.execute(
            insert(queue_entries).values(
                id="q_1", conversation_id=conversation_id, version=1, priority=0,
                reason="requested", enqueued_at=now, left_at=now, follow_up_email=ANNA,
            )
        )  # fmt: skip


def email_rows(store: ConversationStore) -> dict[str, Any]:
    with store.engine.begin() as conn:
        return {
            "thread": conn.execute(
                select(email_threads.c.address, email_threads.c.subject)
            ).one(),
            "received": conn.execute(
                select(inbound_emails.c.sender, inbound_emails.c.subject)
            ).first(),
            "sent": conn.execute(
                select(outbox_emails.c.recipient, outbox_emails.c.body_text)
            ).all(),
            "attachments": {
                row.id: (row.filename, row.content, row.size)
                for row in conn.execute(select(email_attachments))
            },
            "follow_up": conn.execute(select(queue_entries.c.follow_up_email)).scalar(),
        }


def test_closing_masks_addresses_and_phone_numbers_in_every_email_row(
    store: ConversationStore,
) -> None:
    conversation, _ = email_conversation(store, ANNA)
    received(store, conversation.id)
    store.append(conversation.id, [say(Source.CUSTOMER, f"Call me on {PHONE}")])
    store.append(conversation.id, [say(Source.ASSISTANT, f"We will call {PHONE}, Anna.")])
    outbox = Outbox(store.engine, mask_on_close=masked_on_close("mask_sensitive"))
    (answer,) = outbox.claim_due()
    outbox.mark_sent(answer.id)
    assert email_rows(store)["sent"][0].recipient == ANNA  # open: kept for the next reply

    close(store, conversation.id)

    rows = email_rows(store)
    assert tuple(rows["thread"]) == ("[email]", "Late fee question")
    assert tuple(rows["received"]) == ("[email]", "Call me on [phone]")
    ((recipient, body),) = rows["sent"]
    assert recipient == "[email]" and "[phone]" in body and PHONE not in body
    assert rows["attachments"]["att_0"][:2] == ("[email] letter.txt", b"Write to [email]")
    assert rows["attachments"]["att_0"][2] == len(b"Write to [email]")
    assert rows["attachments"]["att_1"] == ("receipt.png", PHOTO, len(PHOTO))
    assert rows["follow_up"] == "[email]"


def test_the_masking_is_part_of_the_close_and_undone_with_it(store: ConversationStore) -> None:
    conversation, _ = email_conversation(store, ANNA)
    received(store, conversation.id)

    def later_step_fails(*_: object) -> None:
        raise RuntimeError("crash after the masking")

    store.close_hooks.append(later_step_fails)
    with pytest.raises(RuntimeError):
        close(store, conversation.id)
    assert store.get_conversation(conversation.id).owner is Owner.ASSISTANT
    rows = email_rows(store)
    assert rows["thread"].address == ANNA and rows["received"].sender == ANNA
    assert rows["follow_up"] == ANNA


def test_an_email_waiting_at_the_close_goes_out_as_written_and_is_masked_once_sent(
    store: ConversationStore,
) -> None:
    conversation, _ = email_conversation(store, ANNA)
    store.append(conversation.id, [say(Source.AGENT, f"I will call you on {PHONE}.")])
    store.append(conversation.id, [say(Source.AGENT, "One more thing.")])
    close(store, conversation.id)
    outbox = Outbox(store.engine, mask_on_close=masked_on_close("mask_sensitive"))
    emails = {PHONE in email.body_text: email for email in outbox.claim_due()}
    assert emails[True].recipient == ANNA  # sent as written

    outbox.mark_sent(emails[True].id)
    outbox.mark_failed_attempt(emails[False], "550 no such user", permanent=True)
    rows = email_rows(store)
    assert [row.recipient for row in rows["sent"]] == ["[email]", "[email]"]
    assert PHONE not in str(rows["sent"])


def test_an_operator_who_keeps_contacts_keeps_the_addresses_of_closed_conversations(
    database_url: str,
) -> None:
    with email_store(database_url, "keep_contacts") as store:
        conversation, _ = email_conversation(store, ANNA)
        received(store, conversation.id)
        close(store, conversation.id)
        rows = email_rows(store)
    assert rows["thread"].address == ANNA and rows["received"].subject == f"Call me on {PHONE}"
