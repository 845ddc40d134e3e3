"""What appended events mean for email, decided inside the append's own transaction.

- An address left in chat for a follow-up opens an email thread for the conversation.
- Replies in a conversation that has a thread are queued in the outbox: the assistant's
  and the agents' in an email conversation, only the agents' for a follow-up address
  (the assistant already answered in the chat window).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from sqlalchemy import Connection, select

from relaydesk.channels.email.compose import email_body, plus_address, reply_subject
from relaydesk.channels.email.outbox import new_message_id, queue_email
from relaydesk.channels.email.threads import EmailThread, extend_thread, open_thread, thread_for
from relaydesk.domain.message_payloads import FollowUpAsked, MessageSaid
from relaydesk.domain.model import Event, EventKind, NewEvent, Source
from relaydesk.store.tables import conversations, customers

REPLYING_SOURCES = {
    "email": frozenset({Source.ASSISTANT, Source.AGENT}),
    "follow_up": frozenset({Source.AGENT}),
}


@dataclass(frozen=True)
class EmailIdentity:
    """Who relaydesk's emails come from."""

    address: str
    display_name: str
    signature: str
    link_titles: Mapping[str, str] = field(default_factory=dict)

    @property
    def domain(self) -> str:
        return self.address.partition("@")[2] or "relaydesk.invalid"


class EmailEffects:
    """The append hook for the email channel."""

    def __init__(self, identity: EmailIdentity) -> None:
        self.identity = identity

    def writes_nothing_for(self, new_events: Sequence[NewEvent]) -> bool:
        """A customer's own messages are never mailed (nor is a follow-up note, a note)."""
        return all(
            event.kind is EventKind.MESSAGE and event.source is Source.CUSTOMER
            for event in new_events
        )

    def __call__(self, conn: Connection, events: Sequence[Event]) -> None:
        if not events:
            return
        conversation_id = events[0].conversation_id
        for event in events:
            asked = FollowUpAsked.of(event)
            if asked is not None:
                open_thread(conn, conversation_id, asked.email, "Your conversation", "follow_up")
        outgoing = [e for e in events if e.kind is EventKind.MESSAGE and e.text]
        if not outgoing or all(e.source is Source.CUSTOMER for e in outgoing):
            return
        thread = thread_for(conn, conversation_id)
        if thread is None or not thread.has_address:
            return
        replies = [e for e in outgoing if e.source in REPLYING_SOURCES[thread.origin]]
        if replies:
            self._queue_reply(conn, thread, replies)

    def _queue_reply(self, conn: Connection, thread: EmailThread, replies: list[Event]) -> None:
        language, name = conn.execute(
            select(conversations.c.language, customers.c.display_name)
            .join(customers, customers.c.id == conversations.c.customer_id)
            .where(conversations.c.id == thread.conversation_id)
        ).one()
        message_id = new_message_id(self.identity.domain)
        headers = {"Reply-To": plus_address(self.identity.address, thread.token)}
        if thread.message_ids:
            headers["In-Reply-To"] = thread.message_ids[-1]
            headers["References"] = " ".join(thread.message_ids)
        body = email_body(
            language=language,
            customer_name=name,
            answers=[with_choices(reply) for reply in replies],
            signature=self.identity.signature or f"{self.identity.display_name}",
            link_titles=self.identity.link_titles,
        )
        queue_email(
            conn,
            message_id=message_id,
            recipient=thread.address,
            subject=reply_subject(thread.subject, thread.token),
            body_text=body,
            headers=headers,
            conversation_id=thread.conversation_id,
            event_id=replies[0].id,
        )
        extend_thread(conn, thread, message_id)


def with_choices(reply: Event) -> str:
    """A question with quick-reply choices lists them, so the answer can be written back."""
    said = MessageSaid.of(reply)
    labels = [str(choice.label) for choice in said.choices] if said is not None else []
    if not labels:
        return reply.text or ""
    return (reply.text or "") + "\n" + "\n".join(f"  - {label}" for label in labels)
