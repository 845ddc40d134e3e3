"""The mailbox reader: new mail over IMAP, waiting with IDLE where the server offers it and
polling otherwise. A mail is flagged seen only after it was taken, so a crash re-reads it
and the intake's record keeps it from being taken twice."""

from __future__ import annotations

import logging
import ssl
import threading
from collections.abc import Callable
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass

from imapclient import IMAPClient

from relaydesk.settings import Settings

log = logging.getLogger(__name__)
Take = Callable[[bytes], str]
IDLE_SLICE_S = 5.0  # how often an IDLE wait checks whether it should stop


@dataclass(frozen=True)
class ImapMailbox:
    host: str
    port: int
    security: str  # tls | starttls | none
    username: str
    password: str
    folder: str
    timeout_s: float
    tls_context: ssl.SSLContext | None = None

    @classmethod
    def from_settings(cls, settings: Settings) -> ImapMailbox:
        if not settings.imap_host:
            raise ValueError("RELAYDESK_IMAP_HOST is not set.")
        return cls(
            settings.imap_host,
            settings.imap_port,
            settings.imap_security,
            settings.imap_username,
            settings.imap_password,
            settings.imap_folder,
            settings.email_timeout_s,
        )

    def connect(self) -> IMAPClient:
        """Logged in, the folder selected; the caller logs out."""
        context = self.tls_context or ssl.create_default_context()
        client = IMAPClient(
            self.host,
            port=self.port,
            ssl=self.security == "tls",
            ssl_context=context,
            timeout=self.timeout_s,
        )
        try:
            if self.security == "starttls":
                client.starttls(context)
            client.login(self.username, self.password)
            client.select_folder(self.folder)
        except BaseException:
            client.shutdown()
            raise
        return client


class MailboxReader:
    def __init__(
        self,
        mailbox: ImapMailbox,
        take: Take,
        poll_s: float = 30.0,
        sole_reader: Callable[[], AbstractContextManager[bool]] = lambda: nullcontext(True),
    ) -> None:
        self.mailbox = mailbox
        self.take = take
        self.poll_s = poll_s
        self.sole_reader = sole_reader

    def read_new(self, client: IMAPClient) -> int:
        """Take every unseen mail, oldest first; how many were taken."""
        taken = 0
        for uid in sorted(client.search(["UNSEEN"])):
            fetched = client.fetch([uid], ["BODY.PEEK[]"]).get(uid, {})
            raw = fetched.get(b"BODY[]")
            if not isinstance(raw, bytes):
                continue
            outcome = self.take(raw)
            client.add_flags([uid], [b"\\Seen"])
            log.info("Email %s: %s", uid, outcome)
            taken += 1
        return taken

    def run(self, stop: threading.Event) -> None:
        """Read until `stop` is set, reconnecting after any failure."""
        while not stop.is_set():
            with self.sole_reader() as mine:
                if not mine:  # another process reads the mailbox; take over if it stops
                    stop.wait(self.poll_s)
                    continue
                try:
                    self._session(stop)
                except Exception:
                    log.exception("The mailbox reader lost its session; reconnecting shortly.")
                    stop.wait(min(self.poll_s, 10.0))

    def _session(self, stop: threading.Event) -> None:
        client = self.mailbox.connect()
        try:
            idle = b"IDLE" in client.capabilities()
            while not stop.is_set():
                self.read_new(client)
                if idle:
                    self._idle(client, stop)
                else:
                    stop.wait(self.poll_s)
                    client.noop()
        finally:
            try:
                client.logout()
            except Exception:
                client.shutdown()

    def _idle(self, client: IMAPClient, stop: threading.Event) -> None:
        """Wait for the server to say something arrived, at most poll_s, checking `stop`."""
        client.idle()
        try:
            waited = 0.0
            while not stop.is_set() and waited < self.poll_s:
                if client.idle_check(timeout=IDLE_SLICE_S):
                    return
                waited += IDLE_SLICE_S
        finally:
            client.idle_done()
