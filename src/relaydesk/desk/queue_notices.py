"""What a waiting customer is told, in their language (the widget's 35, English otherwise).

Hand-over notices (a person joined, back with the assistant, closed) are owner changes whose
data the widget words itself; only the waiting notices are plain messages. Four situations
read differently: someone can take them shortly, everyone who could is busy, nobody who could
is online, and nobody on the team speaks their language (outside business hours: when people
are back). The texts live in
queue_notices.json, one object per notice keyed by language.
"""

from __future__ import annotations

import json
from enum import StrEnum
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


class WaitKind(StrEnum):
    """Why the customer waits, which decides what they are told."""

    SHORTLY = "wait"  # an agent who suits them has room
    ALL_BUSY = "all_busy"  # agents who suit them are online, all full
    NOBODY_ONLINE = "nobody_online"
    NO_LANGUAGE = "no_language"  # nobody on the team speaks their language


# Where the customer may wait long, the email alternative follows (when email can be sent).
_OFFERS_EMAIL = frozenset({WaitKind.NOBODY_ONLINE, WaitKind.NO_LANGUAGE})


def queue_notice(
    language: str | None,
    kind: WaitKind,
    minutes: int,
    position: int = 1,
    email_replies: bool = True,
) -> str:
    """The notice for this kind of wait, with the place in the queue and the expected wait."""
    text = _pick(kind.value, language).format(minutes=minutes, position=position)
    if kind not in _OFFERS_EMAIL or not email_replies:
        return text
    joiner = "" if text.endswith(_NO_SPACE_AFTER) else " "
    return text + joiner + _pick("email_offer", language)


def wait_notice(
    language: str | None, minutes: int, anyone_online: bool, email_replies: bool = True
) -> str:
    """The expected wait, and when nobody suitable is online, the email alternative (offered
    only when relaydesk can send email)."""
    kind = WaitKind.SHORTLY if anyone_online else WaitKind.NOBODY_ONLINE
    return queue_notice(language, kind, minutes, email_replies=email_replies)


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
