"""`relaydesk email check`: connect to both mail servers and say in one sentence what is wrong."""

from __future__ import annotations

import smtplib
import socket
import ssl
from dataclasses import dataclass

from relaydesk.channels.email.imap import ImapMailbox
from relaydesk.channels.email.smtp import SmtpServer
from relaydesk.settings import Settings


@dataclass(frozen=True)
class CheckResult:
    ok: bool
    sentence: str


def check_email(
    settings: Settings,
    smtp_tls: ssl.SSLContext | None = None,
    imap_tls: ssl.SSLContext | None = None,
) -> CheckResult:
    """Both servers as configured: the first problem found, or what works."""
    if not settings.email_sending:
        return CheckResult(
            False,
            "Email is not configured: set RELAYDESK_EMAIL_ADDRESS and RELAYDESK_SMTP_HOST "
            "(and RELAYDESK_IMAP_HOST to read mail).",
        )
    smtp = SmtpServer.from_settings(settings, smtp_tls)
    problem = smtp_problem(smtp)
    if problem:
        return CheckResult(False, problem)
    works = f"sending through {smtp.host}:{smtp.port} ({smtp.security})"
    if not settings.email_reading:
        return CheckResult(True, f"Email works: {works}; reading is off (no RELAYDESK_IMAP_HOST).")
    mailbox = ImapMailbox.from_settings(settings)
    if imap_tls is not None:
        mailbox = ImapMailbox(**{**mailbox.__dict__, "tls_context": imap_tls})
    problem, idle = imap_problem(mailbox)
    if problem:
        return CheckResult(False, problem)
    waiting = "IDLE" if idle else f"polling every {settings.imap_poll_s:g} s"
    return CheckResult(
        True,
        f"Email works: {works}; reading {mailbox.folder} at {mailbox.host}:{mailbox.port} "
        f"({waiting}).",
    )


def smtp_problem(server: SmtpServer) -> str | None:
    where = f"the SMTP server at {server.host}:{server.port}"
    try:
        session = server.connect()
    except smtplib.SMTPAuthenticationError:
        return (
            f"{_cap(where)} refused the username and password (RELAYDESK_SMTP_USERNAME/PASSWORD)."
        )
    except smtplib.SMTPNotSupportedError as error:
        if "STARTTLS" in str(error).upper():
            return (
                f"{_cap(where)} does not offer STARTTLS; use RELAYDESK_SMTP_SECURITY=tls for "
                "port 465 or none only on a trusted network."
            )
        return f"{_cap(where)} offers no login; leave RELAYDESK_SMTP_USERNAME empty."
    except (smtplib.SMTPException, OSError) as error:
        return _network_problem(where, error, "SMTP")
    session.quit()
    return None


def imap_problem(mailbox: ImapMailbox) -> tuple[str | None, bool]:
    from imapclient.exceptions import IMAPClientError, LoginError

    where = f"the IMAP server at {mailbox.host}:{mailbox.port}"
    try:
        client = mailbox.connect()
    except LoginError:
        return (
            f"{_cap(where)} refused the username and password (RELAYDESK_IMAP_USERNAME/PASSWORD).",
            False,
        )
    except IMAPClientError as error:
        if "select" in str(error).lower() or mailbox.folder.lower() in str(error).lower():
            return f"{_cap(where)} has no folder {mailbox.folder!r} (RELAYDESK_IMAP_FOLDER).", False
        return f"{_cap(where)} answered with an error: {error}.", False
    except OSError as error:
        return _network_problem(where, error, "IMAP"), False
    idle = b"IDLE" in client.capabilities()
    client.logout()
    return None, idle


def _network_problem(where: str, error: BaseException, protocol: str) -> str:
    prefix = f"RELAYDESK_{protocol}"
    if isinstance(error, ssl.SSLCertVerificationError):
        return f"{_cap(where)} shows a certificate that is not trusted ({error.verify_message})."
    if isinstance(error, ssl.SSLError):
        return (
            f"TLS with {where} failed; check {prefix}_SECURITY and {prefix}_PORT belong together."
        )
    if isinstance(error, socket.gaierror):
        return f"The host in {prefix}_HOST cannot be found ({where})."
    if isinstance(error, ConnectionRefusedError):
        return f"Nothing answers at {where}; check {prefix}_HOST and {prefix}_PORT."
    if isinstance(error, TimeoutError | socket.timeout):
        return f"{_cap(where)} did not answer in time; a firewall or the wrong port?"
    if isinstance(error, smtplib.SMTPServerDisconnected):
        return f"{_cap(where)} hung up; check {prefix}_SECURITY and {prefix}_PORT belong together."
    return f"{_cap(where)} could not be used: {error}."


def _cap(text: str) -> str:
    return text[:1].upper() + text[1:]
