"""Reading one incoming email: who wrote, what they newly said, what it replies to, whether
it is a person at all. Pure: bytes in, an InboundMail out."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from email import message_from_bytes
from email.message import EmailMessage
from email.policy import default
from email.utils import getaddresses, parseaddr

import html2text
from mailparser_reply import EmailReplyParser
from mailparser_reply.constants import MAIL_LANGUAGES

MESSAGE_ID = re.compile(r"<[^<>\s]+>")
ROBOT_SENDERS = re.compile(r"^(mailer-daemon|postmaster|no-?reply|do-?not-?reply)@", re.I)
BULK_PRECEDENCE = frozenset({"bulk", "junk", "list", "auto_reply"})
REPLY_PARSER = EmailReplyParser(languages=list(MAIL_LANGUAGES))


@dataclass(frozen=True)
class Attachment:
    filename: str
    content_type: str
    content: bytes


@dataclass(frozen=True)
class InboundMail:
    message_id: str
    sender: str
    sender_name: str
    recipients: list[str]
    subject: str
    text: str
    replies_to: list[str]  # In-Reply-To first, then References newest first
    attachments: list[Attachment] = field(default_factory=list)
    automated: str | None = None  # why no one should answer it, if so


def parse_email(raw: bytes) -> InboundMail:
    message = message_from_bytes(raw, policy=default)
    assert isinstance(message, EmailMessage)
    name, sender = parseaddr(str(message.get("From", "")))
    recipients = [address for _, address in getaddresses(message.get_all("To", []) or [])]
    recipients += [address for _, address in getaddresses(message.get_all("Cc", []) or [])]
    replies_to = MESSAGE_ID.findall(str(message.get("In-Reply-To", "")))
    replies_to += list(reversed(MESSAGE_ID.findall(str(message.get("References", "")))))
    return InboundMail(
        message_id=_message_id(message, raw),
        sender=sender.lower(),
        sender_name=name.strip() or sender.split("@")[0],
        recipients=[address.lower() for address in recipients],
        subject=str(message.get("Subject", "")).strip()[:500],
        text=new_text(message),
        replies_to=list(dict.fromkeys(replies_to)),
        attachments=_attachments(message),
        automated=automated(message, sender),
    )


def _message_id(message: EmailMessage, raw: bytes) -> str:
    found = MESSAGE_ID.search(str(message.get("Message-ID", "")))
    if found:
        return found.group(0)[:255]
    # Without one, the content names it: the same mail read twice is still one mail.
    return f"<{hashlib.sha256(raw).hexdigest()[:40]}@no-message-id>"


def automated(message: EmailMessage, sender: str) -> str | None:
    """Why this mail must get no answer (auto-replies, bounces, lists), or None for a person."""
    auto_submitted = str(message.get("Auto-Submitted", "no")).strip().lower()
    if auto_submitted != "no":
        return "auto_submitted"
    if str(message.get("Precedence", "")).strip().lower() in BULK_PRECEDENCE:
        return "precedence"
    if message.get("List-Id") or message.get("List-Unsubscribe"):
        return "mailing_list"
    if message.get("X-Autoreply") or message.get("X-Autorespond"):
        return "auto_reply"
    if not sender or ROBOT_SENDERS.match(sender):
        return "robot_sender"
    if message.get_content_type() == "multipart/report":
        return "delivery_report"
    return None


def new_text(message: EmailMessage) -> str:
    """What the customer newly wrote: plain text (or the HTML as text), without quotes or
    signature."""
    body = message.get_body(preferencelist=("plain", "html"))
    if body is None:
        return ""
    content = str(body.get_content()) if isinstance(body, EmailMessage) else ""
    if body.get_content_type() == "text/html":
        content = html_to_text(content)
    replies = REPLY_PARSER.read(content.replace("\r\n", "\n")).replies
    newest = replies[0].body if replies else content
    return (newest or content).strip()


def html_to_text(html: str) -> str:
    converter = html2text.HTML2Text()
    converter.body_width = 0
    converter.ignore_images = True
    return str(converter.handle(html))


def _attachments(message: EmailMessage) -> list[Attachment]:
    found = []
    for part in message.iter_attachments():
        if not isinstance(part, EmailMessage):
            continue
        payload = part.get_payload(decode=True)
        if isinstance(payload, bytes):
            name = part.get_filename() or "attachment"
            found.append(Attachment(name[:255], part.get_content_type(), payload))
    return found
