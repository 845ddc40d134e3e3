"""Wiring for channels: the append hooks, and the workers `serve` runs beside the API."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from datetime import timedelta
from typing import TYPE_CHECKING

from sqlalchemy import Engine

from relaydesk.channels.email.effects import EmailEffects, EmailIdentity
from relaydesk.channels.email.sender import OutboxSender
from relaydesk.settings import Settings
from relaydesk.store.conversations import ConversationStore
from relaydesk.webhooks.queueing import WebhookQueue

if TYPE_CHECKING:
    from relaydesk.assistant.parts import AssistantParts
    from relaydesk.channels.email.imap import MailboxReader
    from relaydesk.channels.email.intake import EmailIntake
    from relaydesk.desk.conversations import ConversationDesk

log = logging.getLogger(__name__)
Worker = Callable[[threading.Event], None]


def email_identity(settings: Settings, link_titles: Mapping[str, str]) -> EmailIdentity:
    assert settings.email_address is not None
    return EmailIdentity(
        settings.email_address,
        settings.email_display_name,
        settings.email_signature or settings.email_display_name,
        link_titles,
    )


def install_channel_hooks(
    store: ConversationStore, settings: Settings, parts: AssistantParts | None
) -> WebhookQueue:
    """Webhook deliveries always; emails only when sending is configured (else they'd pile up)."""
    if settings.email_sending:
        titles = assistant_link_titles(parts)
        store.append_hooks.append(EmailEffects(email_identity(settings, titles)))
    webhooks = WebhookQueue()
    store.append_hooks.append(webhooks)
    return webhooks


def outbox_sender(settings: Settings, engine: Engine) -> OutboxSender:
    """The sender for the configured SMTP server."""
    from relaydesk.channels.email.outbox import Outbox
    from relaydesk.channels.email.smtp import SmtpServer
    from relaydesk.security.transcripts import masked_on_close

    assert settings.email_address is not None
    outbox = Outbox(
        engine,
        settings.email_max_attempts,
        settings.retry_first_delay_s,
        timedelta(seconds=settings.channel_lease_s),
        mask_on_close=masked_on_close(settings.transcript_pii),
    )
    return OutboxSender(
        outbox,
        SmtpServer.from_settings(settings),
        settings.email_address,
        settings.email_display_name,
    )


def outbox_sender_worker(settings: Settings, engine: Engine) -> Worker:
    return outbox_sender(settings, engine).run


def webhook_worker(settings: Settings, engine: Engine) -> Worker:
    from relaydesk.security.transcripts import masked_on_close
    from relaydesk.webhooks.dispatcher import WebhookDispatcher
    from relaydesk.webhooks.store import WebhookStore

    store = WebhookStore(
        engine,
        settings.webhook_max_attempts,
        settings.retry_first_delay_s,
        timedelta(seconds=settings.channel_lease_s),
        mask_on_close=masked_on_close(settings.transcript_pii),
    )
    dispatcher = WebhookDispatcher(store, settings.webhook_timeout_s)

    def run(stop: threading.Event) -> None:
        try:
            dispatcher.run(stop)
        finally:
            dispatcher.close()

    return run


@contextmanager
def running(workers: Mapping[str, Worker]) -> Iterator[None]:
    """Each worker in its own daemon thread until the block ends."""
    stop = threading.Event()
    threads = [
        threading.Thread(target=work, args=(stop,), name=f"relaydesk-{name}", daemon=True)
        for name, work in workers.items()
    ]
    for thread in threads:
        thread.start()
    try:
        yield
    finally:
        stop.set()
        for thread in threads:
            thread.join(timeout=10)


def assistant_link_titles(parts: AssistantParts | None) -> dict[str, str]:
    """Absolute help-article links and their titles, so emails can name what they link to."""
    if parts is None:
        return {}
    return {
        parts.article_link(article.url): article.title for article in parts.knowledge.articles()
    }


def email_intake(settings: Settings, desk: ConversationDesk) -> EmailIntake:
    from relaydesk.channels.email.intake import AttachmentRules, EmailIntake

    assert settings.email_address is not None
    rules = AttachmentRules(
        settings.email_max_attachment_bytes, tuple(settings.email_attachment_types)
    )
    return EmailIntake(desk, desk.store.engine, settings.email_address, rules)


def mailbox_reader(settings: Settings, desk: ConversationDesk) -> MailboxReader:
    """The configured mailbox, read into conversations through the desk."""
    from relaydesk.channels.email.imap import ImapMailbox, MailboxReader
    from relaydesk.channels.email.sole_reader import sole_reader

    intake = email_intake(settings, desk)
    engine = desk.store.engine
    return MailboxReader(
        ImapMailbox.from_settings(settings),
        intake.receive,
        settings.imap_poll_s,
        lambda: sole_reader(engine),
    )


def background_workers(
    settings: Settings, engine: Engine, desk: ConversationDesk | None = None
) -> dict[str, Worker]:
    """What `serve` runs beside the API, as configured."""
    if not settings.channel_workers:
        return {}
    workers = {"webhooks": webhook_worker(settings, engine)}
    if settings.email_sending:
        workers["outbox"] = outbox_sender_worker(settings, engine)
    if settings.email_reading and desk is not None:
        workers["mailbox"] = mailbox_reader(settings, desk).run
    return workers
