"""Helpers shared by the understanding tests."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from relaydesk.assistant.embeddings import Vectors

PACK_DIR = Path(__file__).parents[2] / "src" / "relaydesk" / "packs" / "paylater"
TEST_SET = Path(__file__).parent / "multilingual_test.yaml"


class HashingEmbedder:
    """Bag-of-words vectors from hashed words: deterministic, instant, and counts its calls."""

    name = "hashing-test-embedder"

    def __init__(self, dim: int = 64) -> None:
        self._dim = dim
        self.embedded: list[str] = []

    @property
    def dim(self) -> int:
        return self._dim

    def embed_queries(self, texts: Sequence[str]) -> Vectors:
        self.embedded.extend(texts)
        matrix = np.zeros((len(texts), self._dim), dtype=np.float32)
        for row, text in enumerate(texts):
            for word in re.findall(r"\w+", text.lower()):
                matrix[row, int(hashlib.md5(word.encode()).hexdigest(), 16) % self._dim] += 1.0
        norms = np.linalg.norm(matrix, axis=1, keepdims=True)
        return matrix / np.where(norms == 0, 1.0, norms)

    def embed_passages(self, texts: Sequence[str]) -> Vectors:
        return self.embed_queries(texts)
