"""The server's secrets: never the public defaults off this machine, and fresh ones on request.

With the default `SECRET_KEY` anyone can mint conversation tokens and CSRF tokens; with the
default `IDENTITY_SECRET` anyone can sign in as any customer. So a server listening on
anything but loopback refuses them whatever the environment, and on loopback says so loudly.
"""

from __future__ import annotations

import ipaddress
import logging
import secrets

from relaydesk.settings import DEFAULT_SECRET, Settings

log = logging.getLogger(__name__)

SECRET_SETTINGS = ("secret_key", "identity_secret", "metrics_token")


class DefaultSecretsRefused(ValueError):
    """Default secrets on an address other machines can reach."""


def is_loopback(host: str) -> bool:
    """True for addresses only this machine reaches: localhost, 127.0.0.0/8, ::1."""
    name = host.strip().strip("[]").lower()
    if name == "localhost":
        return True
    try:
        return ipaddress.ip_address(name).is_loopback
    except ValueError:
        return False  # a host name: it may resolve anywhere


def default_secrets(settings: Settings) -> list[str]:
    """The environment variables still holding the public default secret."""
    return [
        f"RELAYDESK_{name.upper()}"
        for name in ("secret_key", "identity_secret")
        if getattr(settings, name) == DEFAULT_SECRET
    ]


def refusal(settings: Settings) -> str | None:
    """Why a server with these settings must not start, or None."""
    names = default_secrets(settings)
    if not names or is_loopback(settings.host):
        return None
    return (
        f"{' and '.join(names)} still hold the public default, so relaydesk will not listen "
        f"on {settings.host}; run `relaydesk secrets generate` and set them, or listen on "
        "127.0.0.1."
    )


def require_real_secrets_off_loopback(settings: Settings) -> None:
    """Refuse default secrets off loopback; warn about them on loopback."""
    refused = refusal(settings)
    if refused is not None:
        raise DefaultSecretsRefused(refused)
    names = default_secrets(settings)
    if names and settings.environment != "test":
        log.warning(
            "INSECURE: %s hold the public default secret. Anyone who can reach this server "
            "can sign in as any customer. Fine for a demo on this machine only; run "
            "`relaydesk secrets generate` before anyone else can connect.",
            " and ".join(names),
        )


def generate_secrets() -> dict[str, str]:
    """Fresh values for every secret setting, as environment variables."""
    return {f"RELAYDESK_{name.upper()}": secrets.token_urlsafe(32) for name in SECRET_SETTINGS}
