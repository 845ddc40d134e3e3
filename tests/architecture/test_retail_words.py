"""Core holds no word of the retail store either: the second business lives in its pack."""

from __future__ import annotations

import re
from pathlib import Path

import relaydesk
from architecture.domain_words import core_files

SOURCE = Path(relaydesk.__file__).parent
RETAIL_WORDS = re.compile(
    r"retail|tau2|τ²|#?\bW\d{7}\b|find_user_id|exchange_delivered|return_delivered"
    r"|modify_pending|cancel_pending|gift[_ ]?card|zip[_ ]code|\bStoreAssistant\b",
    re.IGNORECASE,
)


def retail_leaks(source: Path) -> list[str]:
    return [
        f"{path.relative_to(source)}:{number}: {match.group(0)!r}"
        for path in core_files(source)
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        for match in RETAIL_WORDS.finditer(line)
    ]


def test_core_says_no_retail_word() -> None:
    assert retail_leaks(SOURCE) == []


def test_a_retail_word_in_core_is_caught(tmp_path: Path) -> None:
    (tmp_path / "engine.py").write_text('ORDER = "#W2378156"\n', encoding="utf-8")
    assert retail_leaks(tmp_path) == ["engine.py:1: '#W2378156'"]
