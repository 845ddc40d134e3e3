"""Talking to the operator's SMTP server: STARTTLS or TLS, authentication, one message."""

from __future__ import annotations

import smtplib
import ssl
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import formataddr, formatdate

from relaydesk.channels.email.outbox import OutgoingEmail
from relaydesk.settings import Settings


@dataclass(frozen=True)
class SmtpServer:
    host: str
    port: int
    security: str  # starttls | tls | none
    username: str
    password: str
    timeout_s: float
    # Tests trust their own certificate; production uses the system's trust store.
    tls_context: ssl.SSLContext | None = None

    @classmethod
    def from_settings(
        cls, settings: Settings, tls_context: ssl.SSLContext | None = None
    ) -> SmtpServer:
        if not settings.smtp_host:
            raise ValueError("RELAYDESK_SMTP_HOST is not set.")
        return cls(
            settings.smtp_host,
            settings.smtp_port,
            settings.smtp_security,
            settings.smtp_username,
            settings.smtp_password,
            settings.email_timeout_s,
            tls_context,
        )

    def connect(self) -> smtplib.SMTP:
        """An open, authenticated session; the caller quits it."""
        context = self.tls_context or ssl.create_default_context()
        session: smtplib.SMTP
        if self.security == "tls":
            session = smtplib.SMTP_SSL(
                self.host, self.port, timeout=self.timeout_s, context=context
            )
        else:
            session = smtplib.SMTP(self.host, self.port, timeout=self.timeout_s)
        try:
            session.ehlo()
            if self.security == "starttls":
                session.starttls(context=context)
                session.ehlo()
            if self.username:
                session.login(self.username, self.password)
        except BaseException:
            session.close()
            raise
        return session


def as_message(email: OutgoingEmail, sender_address: str, sender_name: str) -> EmailMessage:
    """The MIME message for an outbox row; the same row always gives the same Message-ID."""
    message = EmailMessage()
    message["From"] = formataddr((sender_name, sender_address))
    message["To"] = email.recipient
    message["Subject"] = email.subject
    message["Message-ID"] = email.message_id
    message["Date"] = formatdate(localtime=False, usegmt=True)
    # Other systems' auto-responders must not answer what relaydesk sends.
    message["Auto-Submitted"] = "auto-replied" if email.headers.get("In-Reply-To") else "no"
    for name, value in email.headers.items():
        message[name] = value
    message.set_content(email.body_text)
    return message


def is_permanent(error: BaseException) -> bool:
    """A 5xx answer will not change by trying again; everything else might."""
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        return all(code >= 500 for code, _ in error.recipients.values())
    if isinstance(error, smtplib.SMTPResponseException):
        return error.smtp_code >= 500 and not isinstance(error, smtplib.SMTPAuthenticationError)
    return False
