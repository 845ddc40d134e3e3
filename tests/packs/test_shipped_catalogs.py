"""The packs relaydesk ships have every reply the engine asks for, in every language they
ship, so the load-time check (relaydesk.pack.checks) lets them start."""

from __future__ import annotations

from pathlib import Path

import pytest

import relaydesk.packs
from relaydesk.assistant.replies import ReplyCatalog
from relaydesk.assistant.reply_keys import ENGINE_REPLY_KEYS, VERIFICATION_REPLY_KEYS

PACKS = Path(relaydesk.packs.__file__).parent


@pytest.mark.parametrize("pack", ["paylater", "retail"])
def test_a_shipped_pack_has_every_engine_reply_in_every_language(pack: str) -> None:
    catalog = ReplyCatalog.load(PACKS / pack / "locale")
    missing = [
        f"{language}: {key}"
        for language in catalog.languages()
        for key in (*ENGINE_REPLY_KEYS, *VERIFICATION_REPLY_KEYS)
        if not catalog.has(key, language)
    ]
    assert missing == []
