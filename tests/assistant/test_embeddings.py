import sys
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor

import numpy as np

from relaydesk.assistant.embeddings import RecentQueries, Vectors, one_turn
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


def test_remembering_nothing_still_embeds_a_text_once_within_one_turn() -> None:
    inner = CountingEmbedder()
    embedder = RecentQueries(inner)
    embedder.remembering(False)
    with one_turn():
        first = embedder.embed_queries(["pay my bill"])
        again = embedder.embed_queries(["pay my bill", "thanks"])
    assert inner.embedded == ["pay my bill", "thanks"]
    assert np.array_equal(first[0], again[0])
    with one_turn():  # the next turn starts with nothing
        embedder.embed_queries(["pay my bill"])
    embedder.embed_queries(["thanks"])  # outside a turn: nothing kept either
    embedder.embed_queries(["thanks"])
    assert inner.embedded == ["pay my bill", "thanks", "pay my bill", "thanks", "thanks"]


def test_threads_sharing_a_small_memory_each_get_their_own_texts_vectors() -> None:
    inner = CountingEmbedder()
    embedder = RecentQueries(inner, size=1)  # every call pushes the others' texts out

    def ask(n: int) -> bool:
        texts = ["x" * (n % 7 + 1), "y" * (n % 5 + 1)]
        with one_turn():
            rows = embedder.embed_queries(texts)
        return [row[0] for row in rows] == [len(text) for text in texts]

    switch = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)  # threads interleave often: without the lock, a text read
    try:  # back after another thread pushed it out failed in 20 of 20 runs
        with ThreadPoolExecutor(max_workers=8) as pool:
            assert all(pool.map(ask, range(400)))
    finally:
        sys.setswitchinterval(switch)
