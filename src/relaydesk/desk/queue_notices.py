"""What a waiting customer is told, in their language (the widget's 35, English otherwise).

Hand-over notices (a person joined, back with the assistant, closed) are owner changes whose
data the widget words itself; only these are plain messages. The texts live in
queue_notices.json, one object per notice keyed by language.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

_TEXTS = Path(__file__).with_name("queue_notices.json")
# Language identification says "no" for Norwegian; the texts are written in Bokmål ("nb").
_ALIASES = {"no": "nb", "nn": "nb"}
_NO_SPACE_AFTER = ("。",)  # Chinese and Japanese sentences follow each other without a space


@cache
def _notices() -> dict[str, dict[str, str]]:
    loaded: dict[str, dict[str, str]] = json.loads(_TEXTS.read_text(encoding="utf-8"))
    return loaded


def _pick(notice: str, language: str | None) -> str:
    texts = _notices()[notice]
    base = (language or "en").replace("_", "-").split("-")[0].lower()
    return texts.get(_ALIASES.get(base, base), texts["en"])


def wait_notice(
    language: str | None, minutes: int, anyone_online: bool, email_replies: bool = True
) -> str:
    """The expected wait, and when nobody suitable is online, the email alternative (offered
    only when relaydesk can send email)."""
    if anyone_online:
        return _pick("wait", language).format(minutes=minutes)
    text = _pick("nobody_online", language).format(minutes=minutes)
    if not email_replies:
        return text
    joiner = "" if text.endswith(_NO_SPACE_AFTER) else " "
    return text + joiner + _pick("email_offer", language)


def closed_notice(language: str | None, back_at: str, email_replies: bool = True) -> str:
    """Outside business hours: when people are back, and the email alternative if possible."""
    text = _pick("closed", language).format(back_at=back_at)
    if not email_replies:
        return text
    joiner = "" if text.endswith(_NO_SPACE_AFTER) else " "
    return text + joiner + _pick("email_offer", language)


def follow_up_notice(language: str | None, email: str) -> str:
    return _pick("follow_up", language).format(email=email)


def notice_languages() -> frozenset[str]:
    """The languages every waiting notice is written in."""
    return frozenset.intersection(*(frozenset(texts) for texts in _notices().values()))
