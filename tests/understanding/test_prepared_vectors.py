"""Vectors a pack ships in prepared/ spare a first start from computing them."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from relaydesk.assistant.knowledge import KnowledgeBase
from relaydesk.assistant.preparation import PREPARED_DIR
from relaydesk.assistant.understanding.embedding_cache import CachedEmbedder
from understanding.understanding_support import HashingEmbedder

ARTICLE = """---
id: {id}
title: {title}
url: /help/en/{id}
language: en
---
{title} is explained here in a few words.
"""


def write_articles(folder: Path, count: int) -> None:
    (folder / "en").mkdir(parents=True)
    for index in range(count):
        name = f"article-{index}"
        (folder / "en" / f"{name}.md").write_text(ARTICLE.format(id=name, title=f"Topic {index}"))


def test_shipped_sentence_vectors_are_read_instead_of_computed(tmp_path: Path) -> None:
    sentences = ["when is my next payment?", "what is the late fee?", "talk to a person"]
    pack = tmp_path / "pack"
    written = CachedEmbedder(HashingEmbedder(), tmp_path / "build-cache").write_prepared(
        sentences, "query", pack / PREPARED_DIR
    )
    assert written.is_file()
    fresh = HashingEmbedder()
    first_start = CachedEmbedder(fresh, tmp_path / "empty-cache", prepared_dir=pack / PREPARED_DIR)
    vectors = first_start.embed_queries([*sentences, "a sentence nobody shipped"])
    assert fresh.embedded == ["a sentence nobody shipped"]
    assert vectors.shape == (4, fresh.dim)


def test_shipping_again_keeps_only_the_current_sentences(tmp_path: Path) -> None:
    prepared = tmp_path / PREPARED_DIR
    building = CachedEmbedder(HashingEmbedder(), tmp_path / "cache")
    building.write_prepared(["old wording"], "query", prepared)
    building.write_prepared(["new wording"], "query", prepared)
    fresh = HashingEmbedder()
    CachedEmbedder(fresh, tmp_path / "empty", prepared_dir=prepared).embed_queries(
        ["old wording", "new wording"]
    )
    assert fresh.embedded == ["old wording"]


def test_shipped_article_vectors_are_read_instead_of_computed(tmp_path: Path) -> None:
    knowledge = tmp_path / "pack" / "knowledge"
    write_articles(knowledge, 3)
    built = KnowledgeBase.load(knowledge, HashingEmbedder(), tmp_path / "build-cache")
    assert built.write_prepared(knowledge).is_file()
    write_articles_after = knowledge / "en" / "article-new.md"
    write_articles_after.write_text(ARTICLE.format(id="article-new", title="Something new"))
    fresh = HashingEmbedder()
    loaded = KnowledgeBase.load(knowledge, fresh, tmp_path / "empty-cache")
    assert len(fresh.embedded) == 1 and "Something new" in fresh.embedded[0]
    assert built._vectors is not None and loaded._vectors is not None
    np.testing.assert_array_equal(loaded._vectors[:3], built._vectors)  # article-0..2, then new
