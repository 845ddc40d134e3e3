"""The outbox sender: takes due messages one at a time, sends them, records the outcome.

Each message is leased right before it is sent and marked sent right after the server
accepted it, so a SIGKILL leaves at most the one message in flight unrecorded; it is sent
again with the same Message-ID, which receiving systems use to drop the copy.
"""

from __future__ import annotations

import logging
import smtplib
import threading

from relaydesk.channels.email.outbox import Outbox, OutgoingEmail
from relaydesk.channels.email.smtp import SmtpServer, as_message, is_permanent

log = logging.getLogger(__name__)
IDLE_WAIT_S = 1.0


class OutboxSender:
    def __init__(
        self, outbox: Outbox, server: SmtpServer, sender_address: str, sender_name: str
    ) -> None:
        self.outbox = outbox
        self.server = server
        self.sender_address = sender_address
        self.sender_name = sender_name
        self._session: smtplib.SMTP | None = None

    def send_due(self, limit: int = 100) -> int:
        """Send what is due now (at most `limit`); how many the server accepted."""
        sent = 0
        try:
            for _ in range(limit):
                claimed = self.outbox.claim_due(limit=1)
                if not claimed:
                    break
                sent += self._send(claimed[0])
        finally:
            self._hang_up()
        return sent

    def run(self, stop: threading.Event, idle_wait_s: float = IDLE_WAIT_S) -> None:
        """Send until `stop` is set, waiting a little whenever nothing is due."""
        while not stop.is_set():
            try:
                sent = self.send_due()
            except Exception:
                log.exception("The outbox sender failed a pass; trying again shortly.")
                sent = 0
            if not sent:
                stop.wait(idle_wait_s)

    def _send(self, email: OutgoingEmail) -> int:
        message = as_message(email, self.sender_address, self.sender_name)
        try:
            session = self._connected()
            session.send_message(message, self.sender_address, [email.recipient])
        except (smtplib.SMTPException, OSError) as error:
            self._hang_up()
            log.warning("Email %s not sent: %s", email.message_id, error)
            self.outbox.mark_failed_attempt(email, _describe(error), is_permanent(error))
            return 0
        self.outbox.mark_sent(email.id)
        return 1

    def _connected(self) -> smtplib.SMTP:
        if self._session is None:
            self._session = self.server.connect()
        return self._session

    def _hang_up(self) -> None:
        if self._session is None:
            return
        session, self._session = self._session, None
        try:
            session.quit()
        except (smtplib.SMTPException, OSError):
            session.close()


def _describe(error: BaseException) -> str:
    return f"{type(error).__name__}: {error}"
