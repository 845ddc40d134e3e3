"""Every reply key the engine says is declared, so the load-time check knows what to ask for."""

from __future__ import annotations

from pathlib import Path

import relaydesk
from architecture.reply_keys_said import reply_keys_said
from relaydesk.assistant.reply_keys import ENGINE_REPLY_KEYS, VERIFICATION_REPLY_KEYS

SOURCE = Path(relaydesk.__file__).parent


def keys_said_in(*folders: str) -> set[str]:
    return reply_keys_said(path for folder in folders for path in (SOURCE / folder).rglob("*.py"))


def test_every_key_the_engine_and_desk_say_is_declared() -> None:
    declared = {*ENGINE_REPLY_KEYS, *VERIFICATION_REPLY_KEYS}
    assert sorted(keys_said_in("assistant", "desk", "llm") - declared) == []


def test_the_declaration_names_no_key_the_engine_no_longer_says() -> None:
    said = keys_said_in("assistant", "desk", "llm")
    assert sorted({*ENGINE_REPLY_KEYS, *VERIFICATION_REPLY_KEYS} - said) == []


def test_a_key_said_through_a_local_name_or_a_lookup_table_is_found(tmp_path: Path) -> None:
    source = tmp_path / "speaker.py"
    source.write_text(
        'TABLE = {"hi": "greeting.hello"}\n'
        "def speak(turn, found):\n"
        '    key = "answer.found" if found else "answer.english"\n'
        "    turn.say(key)\n"
        "    turn.say(TABLE[found])\n"
        '    turn.say_text("text", [], key="answer.typed")\n'
        '    return {"reply_key": "apology.sorry"}\n',
        encoding="utf-8",
    )
    assert reply_keys_said(iter([source])) == {
        "answer.found", "answer.english", "greeting.hello", "answer.typed", "apology.sorry",
    }
