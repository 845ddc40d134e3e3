"""After `relaydesk demo`, other commands in that data directory act on the demo's pack."""

from __future__ import annotations

from pathlib import Path

import pytest

from relaydesk.settings import load_settings, remember_seeded_pack


def test_the_pack_a_demo_seeded_is_chosen_when_none_is_named(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("RELAYDESK_PACK", raising=False)
    assert load_settings(data_dir=tmp_path).pack is None
    remember_seeded_pack(tmp_path, "retail")
    assert load_settings(data_dir=tmp_path).pack == "retail"


def test_a_named_pack_wins_over_the_seeded_one(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    remember_seeded_pack(tmp_path, "retail")
    monkeypatch.setenv("RELAYDESK_PACK", "paylater")
    assert load_settings(data_dir=tmp_path).pack == "paylater"
