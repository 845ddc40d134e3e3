from collections.abc import Sequence

import numpy as np

from relaydesk.assistant.embeddings import RecentQueries, Vectors
from relaydesk.assistant.understanding.cascade import CascadeClassifier
from relaydesk.assistant.understanding.classifier import IntentClassifier
from relaydesk.assistant.understanding.language import build_language_identifier
from relaydesk.assistant.understanding.understander import Understander


class CountingEmbedder:
    def __init__(self) -> None:
        self.embedded: list[str] = []

    @property
    def dim(self) -> int:
        return 3

    def embed_queries(self, texts: Sequence[str]) -> Vectors:
        self.embedded += list(texts)
        return np.array([[len(t), 1.0, 0.0] for t in texts], dtype=np.float32)

    def embed_passages(self, texts: Sequence[str]) -> Vectors:
        return self.embed_queries(texts)


def test_a_message_asked_for_twice_is_embedded_once() -> None:
    inner = CountingEmbedder()
    embedder = RecentQueries(inner)
    first = embedder.embed_queries(["when is my next payment?"])
    again = embedder.embed_queries(["when is my next payment?"])
    assert inner.embedded == ["when is my next payment?"]
    assert np.array_equal(first, again)


def test_only_the_newest_queries_are_remembered() -> None:
    inner = CountingEmbedder()
    embedder = RecentQueries(inner, size=2)
    embedder.embed_queries(["a", "bb", "ccc"])
    embedder.embed_queries(["a"])
    assert inner.embedded == ["a", "bb", "ccc", "a"]
    assert embedder.embed_queries(["bb", "ccc", "a"]).shape == (3, 3)


def test_a_server_told_to_remember_nothing_embeds_every_message_afresh() -> None:
    inner = CountingEmbedder()
    embedder = RecentQueries(inner)
    cascade = CascadeClassifier(IntentClassifier(), IntentClassifier())  # never asked here
    understander = Understander(cascade, build_language_identifier(), embedder=embedder)
    understander.remember(0)
    inner.embedded.clear()
    embedder.embed_queries(["pay my bill"])
    embedder.embed_queries(["pay my bill"])
    assert inner.embedded == ["pay my bill", "pay my bill"]
    understander.remember(2048)
    embedder.embed_queries(["pay my bill"])
    embedder.embed_queries(["pay my bill"])
    assert inner.embedded == ["pay my bill"] * 3
