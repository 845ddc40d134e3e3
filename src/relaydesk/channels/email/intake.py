"""An incoming email becomes a customer message: in a new conversation on the `email`
channel, or in the one it replies to. Each email is taken once, however often it is read."""

from __future__ import annotations

import hashlib
import logging
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import Connection, Engine, insert, select, update

from relaydesk.channels.email.compose import token_in
from relaydesk.channels.email.inbound import Attachment, InboundMail, parse_email
from relaydesk.channels.email.threads import (
    conversation_for_message_ids,
    conversation_for_token,
    extend_thread,
    open_thread,
    thread_for,
)
from relaydesk.desk.conversations import ConversationDesk
from relaydesk.domain.model import ConversationId
from relaydesk.store.tables import email_attachments, inbound_emails

log = logging.getLogger(__name__)
RECEIVED = "received"  # placed in a conversation, the message not yet stored


@dataclass(frozen=True)
class AttachmentRules:
    max_bytes: int
    accepted_types: tuple[str, ...]  # prefixes: "image/" accepts every image

    def refusal(self, attachment: Attachment) -> str | None:
        if len(attachment.content) > self.max_bytes:
            return "too large"
        if not attachment.content_type.startswith(self.accepted_types):
            return "type not accepted"
        return None


class EmailIntake:
    def __init__(
        self, desk: ConversationDesk, engine: Engine, own_address: str, rules: AttachmentRules
    ) -> None:
        self.desk = desk
        self.engine = engine
        self.own_address = own_address.lower()
        self.rules = rules

    def receive(self, raw: bytes) -> str:
        """Take one raw email; returns what became of it (started, joined, ignored:<why>)."""
        return self.take(parse_email(raw))

    def take(self, mail: InboundMail) -> str:
        recorded = self._recorded(mail.message_id)
        if recorded is not None and recorded[1] != RECEIVED:
            return recorded[1]  # read again (a restart, a second reader): already taken
        why_not = (
            mail.automated or self._loop(mail) or ("empty" if not _has_content(mail) else None)
        )
        if why_not is not None:
            return self._ignore(mail, why_not)
        if recorded is not None and recorded[0]:
            conversation_id, outcome = recorded[0], "joined"
        else:
            conversation_id, outcome = self._place(mail)
        text = self._text_with_attachments(conversation_id, mail)
        key = "email:" + hashlib.sha256(mail.message_id.encode()).hexdigest()
        self.desk.receive_customer_message(ConversationId(conversation_id), text, key)
        self._finish(mail.message_id, outcome)
        return outcome

    def _loop(self, mail: InboundMail) -> str | None:
        local, _, domain = self.own_address.partition("@")
        sender_local, _, sender_domain = mail.sender.partition("@")
        if sender_domain == domain and sender_local.split("+")[0] == local:
            return "own_address"
        return None

    def _recorded(self, message_id: str) -> tuple[str | None, str] | None:
        with self.engine.begin() as conn:
            row = conn.execute(
                select(inbound_emails.c.conversation_id, inbound_emails.c.disposition).where(
                    inbound_emails.c.message_id == message_id
                )
            ).first()
        return (row.conversation_id, row.disposition) if row else None

    def _ignore(self, mail: InboundMail, why: str) -> str:
        disposition = f"ignored:{why}"
        with self.engine.begin() as conn:
            if _exists(conn, mail.message_id):
                return disposition
            _record(conn, mail, None, disposition)
        log.info("Email %s from %s gets no answer: %s", mail.message_id, mail.sender, why)
        return disposition

    def _place(self, mail: InboundMail) -> tuple[str, str]:
        """The conversation this email belongs to, threaded and recorded as received."""
        with self.engine.begin() as conn:
            found = self._find(conn, mail)
            if found is not None:
                thread = thread_for(conn, found)
                if thread is not None:
                    extend_thread(conn, thread, mail.message_id, mail.sender)
                _record(conn, mail, found, RECEIVED)
                return found, "joined"
        conversation = self.desk.start_conversation(
            customer_ref=f"email:{mail.sender}",
            display_name=mail.sender_name,
            language=None,
            channel="email",
        )
        with self.engine.begin() as conn:
            subject = mail.subject or "Your message"
            open_thread(conn, conversation.id, mail.sender, subject, "email", [mail.message_id])
            _record(conn, mail, conversation.id, RECEIVED)
        return conversation.id, "started"

    def _find(self, conn: Connection, mail: InboundMail) -> str | None:
        found = conversation_for_message_ids(conn, list(reversed(mail.replies_to)))
        if found is not None:
            return found
        plus_tags = [address.partition("@")[0].partition("+")[2] for address in mail.recipients]
        token = token_in(mail.subject, *(f"[ref:{tag}]" for tag in plus_tags if tag))
        return conversation_for_token(conn, token) if token else None

    def _text_with_attachments(self, conversation_id: str, mail: InboundMail) -> str:
        kept, refused = [], []
        with self.engine.begin() as conn:
            for index, attachment in enumerate(mail.attachments):
                why = self.rules.refusal(attachment)
                if why is not None:
                    refused.append(f"{attachment.filename} ({why})")
                    continue
                _store_attachment(conn, conversation_id, mail.message_id, index, attachment)
                kept.append(f"{attachment.filename} ({_size(len(attachment.content))})")
        lines = [mail.text] if mail.text else []
        if kept:
            lines.append("[Attachments: " + ", ".join(kept) + "]")
        if refused:
            lines.append("[Attachments not kept: " + ", ".join(refused) + "]")
        return "\n\n".join(lines)

    def _finish(self, message_id: str, outcome: str) -> None:
        with self.engine.begin() as conn:
            conn.execute(
                update(inbound_emails)
                .where(inbound_emails.c.message_id == message_id)
                .values(disposition=outcome)
            )


def _has_content(mail: InboundMail) -> bool:
    return bool(mail.text.strip() or mail.attachments)


def _exists(conn: Connection, message_id: str) -> bool:
    found = conn.execute(
        select(inbound_emails.c.message_id).where(inbound_emails.c.message_id == message_id)
    ).first()
    return found is not None


def _record(conn: Connection, mail: InboundMail, conversation_id: str | None, how: str) -> None:
    conn.execute(
        insert(inbound_emails).values(
            message_id=mail.message_id,
            conversation_id=conversation_id,
            sender=mail.sender[:320],
            subject=mail.subject,
            disposition=how,
            received_at=datetime.now(UTC),
        )
    )


def _store_attachment(
    conn: Connection, conversation_id: str, message_id: str, index: int, attachment: Attachment
) -> None:
    # The id is derived from the email, so reading the email again stores nothing twice.
    attachment_id = "att_" + uuid.uuid5(uuid.NAMESPACE_URL, f"{message_id}#{index}").hex
    exists = conn.execute(
        select(email_attachments.c.id).where(email_attachments.c.id == attachment_id)
    ).first()
    if exists is not None:
        return
    conn.execute(
        insert(email_attachments).values(
            id=attachment_id,
            conversation_id=conversation_id,
            message_id=message_id,
            filename=attachment.filename,
            content_type=attachment.content_type,
            size=len(attachment.content),
            content=attachment.content,
            created_at=datetime.now(UTC),
        )
    )


def _size(count: int) -> str:
    return f"{count / 1024:.0f} KB" if count >= 1024 else f"{count} bytes"
