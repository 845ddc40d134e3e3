"""Every reply key the engine says is declared, so the load-time check knows what to ask for."""

from __future__ import annotations

import re
from pathlib import Path

import relaydesk
from relaydesk.assistant.reply_keys import (
    ENGINE_REPLY_KEYS,
    NOT_YET_REQUIRED_REPLY_KEYS,
    VERIFICATION_REPLY_KEYS,
)

SOURCE = Path(relaydesk.__file__).parent
SAID = re.compile(r"(?:say|render)\(\s*\"([a-z_.]+)\"")


def keys_said_in(*folders: str) -> set[str]:
    return {
        key
        for folder in folders
        for path in (SOURCE / folder).rglob("*.py")
        for key in SAID.findall(path.read_text(encoding="utf-8"))
    }


def test_every_key_the_engine_and_desk_say_is_declared() -> None:
    declared = {*ENGINE_REPLY_KEYS, *VERIFICATION_REPLY_KEYS, *NOT_YET_REQUIRED_REPLY_KEYS}
    assert sorted(keys_said_in("assistant", "desk") - declared) == []


def test_the_declaration_names_no_key_the_engine_no_longer_says() -> None:
    # greeting, thanks_reply, goodbye and escalated_handover are said through a lookup
    indirect = {"greeting", "thanks_reply", "goodbye", "escalated_handover"}
    said = keys_said_in("assistant", "desk") | indirect
    assert sorted({*ENGINE_REPLY_KEYS, *NOT_YET_REQUIRED_REPLY_KEYS} - said) == []
