"""Core holds no pay-later word: the demo business lives in its pack (tests/architecture)."""

from __future__ import annotations

from pathlib import Path

import relaydesk
from architecture.domain_words import leaks

SOURCE = Path(relaydesk.__file__).parent
# Known and owned elsewhere; empty since the pay-later pack declares its own slot kinds.
PENDING: set[tuple[str, str]] = set()


def found_in(source: Path) -> set[tuple[str, str]]:
    return {(leak.path.relative_to(source).as_posix(), leak.word) for leak in leaks(source)}


def test_core_says_no_pay_later_word() -> None:
    assert sorted(found_in(SOURCE) - PENDING) == []


def test_every_pending_exception_is_still_needed() -> None:
    assert sorted(PENDING - found_in(SOURCE)) == []


def test_a_pay_later_word_in_core_is_caught_with_file_and_line(tmp_path: Path) -> None:
    (tmp_path / "web").mkdir()
    (tmp_path / "web" / "de.json").write_text(
        '{\n  "greeting": "Fragen Sie mich zu Ihren Zahlungen."\n}\n', encoding="utf-8"
    )
    (tmp_path / "packs" / "demo").mkdir(parents=True)
    (tmp_path / "packs" / "demo" / "flows.yaml").write_text("- next_payment\n", encoding="utf-8")
    (tmp_path / "engine.py").write_text('SKILL = "payments"\n', encoding="utf-8")
    assert sorted(str(leak) for leak in leaks(tmp_path)) == [
        f"{tmp_path / 'engine.py'}:1: 'payments'",
        f"{tmp_path / 'web' / 'de.json'}:2: 'Zahlung'",
    ]
