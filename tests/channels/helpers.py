"""Shared setup for channel tests: a migrated store with the channel hooks installed."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from relaydesk.channels.email.effects import EmailEffects, EmailIdentity
from relaydesk.channels.email.threads import EmailThread, open_thread
from relaydesk.domain.model import Conversation, EventKind, NewEvent, Source
from relaydesk.security.transcripts import conversation_store
from relaydesk.store.conversations import ConversationStore
from relaydesk.store.engine import make_engine
from relaydesk.store.migrate import upgrade

SUPPORT = "support@shop.example"
ARTICLE = "http://127.0.0.1:8000/help/en/late-fees"


@contextmanager
def email_store(database_url: str, policy: str = "keep") -> Iterator[ConversationStore]:
    """The store under a transcript policy (`keep`: nothing masked)."""
    engine = make_engine(database_url)
    upgrade(engine)
    store = conversation_store(engine, policy)
    identity = EmailIdentity(SUPPORT, "Shop support", "The Shop team", {ARTICLE: "Late fees"})
    store.append_hooks.append(EmailEffects(identity))
    try:
        yield store
    finally:
        engine.dispose()


def email_conversation(
    store: ConversationStore, address: str, name: str = "Anna", language: str = "en"
) -> tuple[Conversation, EmailThread]:
    customer = store.ensure_customer(f"email:{address}", name, language)
    conversation = store.create_conversation(customer.id, "email", language)
    with store.engine.begin() as conn:
        thread = open_thread(
            conn, conversation.id, address, "Late fee question", "email", ["<q1@mail.example>"]
        )
    return conversation, thread


def say(source: Source, text: str) -> NewEvent:
    return NewEvent(kind=EventKind.MESSAGE, source=source, text=text)
