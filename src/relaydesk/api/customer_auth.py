"""Customer credentials: a per-conversation token, and operator-signed identities."""

from __future__ import annotations

import hashlib
import hmac


def sign(secret: str, purpose: str, value: str) -> str:
    """HMAC-SHA256 of `value` for one purpose, hex encoded."""
    return hmac.new(secret.encode(), f"{purpose}:{value}".encode(), hashlib.sha256).hexdigest()


def conversation_token(secret: str, conversation_id: str) -> str:
    return sign(secret, "conversation", conversation_id)


def token_matches(secret: str, conversation_id: str, token: str | None) -> bool:
    # Compared as bytes: compare_digest refuses non-ASCII str, and a client may send any.
    return token is not None and hmac.compare_digest(
        conversation_token(secret, conversation_id).encode(), token.encode()
    )


def identity_signature(identity_secret: str, customer_ref: str) -> str:
    """What the operator's server computes so the widget can prove who is signed in.

    Plain HMAC-SHA256 of the customer id, hex encoded, as Intercom's identity verification.
    """
    return hmac.new(identity_secret.encode(), customer_ref.encode(), hashlib.sha256).hexdigest()


def identity_matches(identity_secret: str, customer_ref: str, signature: str | None) -> bool:
    return signature is not None and hmac.compare_digest(
        identity_signature(identity_secret, customer_ref).encode(), signature.encode()
    )
