"""A pack's training files read the same with libyaml as with PyYAML's own parser."""

from pathlib import Path

import pytest
import yaml

from relaydesk.assistant.understanding import training
from relaydesk.assistant.understanding.training import load_pack_examples

PACKS = Path(training.__file__).resolve().parents[2] / "packs"


@pytest.mark.parametrize("pack", ["paylater", "retail"])
def test_the_examples_are_the_ones_the_pure_python_parser_reads(
    pack: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert training._SAFE_LOADER is yaml.CSafeLoader  # the locked PyYAML wheel carries libyaml
    fast = load_pack_examples(PACKS / pack)
    monkeypatch.setattr(training, "_SAFE_LOADER", yaml.SafeLoader)
    assert fast == load_pack_examples(PACKS / pack)
    assert len(fast) > 100
