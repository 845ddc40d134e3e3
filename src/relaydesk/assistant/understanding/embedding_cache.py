"""A disk cache in front of an embedder: benchmark sets take minutes to embed, so embed once."""

from __future__ import annotations

import hashlib
import os
import uuid
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np

from relaydesk.assistant.embeddings import Embedder, Vectors
from relaydesk.assistant.preparation import report_progress

ProgressCallback = Callable[[int, int], None]
"""Called with (texts embedded so far, texts to embed) while missing vectors are computed."""

_BATCH = 32
_SHARD = 512


def embedder_name(embedder: Embedder) -> str:
    """A stable name for the embedder's model, used to keep caches of different models apart."""
    name = getattr(embedder, "name", None)
    return name if isinstance(name, str) else type(embedder).__name__


def text_key(text: str) -> bytes:
    return hashlib.sha1(text.encode("utf-8", "surrogatepass")).digest()


class CachedEmbedder:
    """Wraps an embedder; vectors are stored in append-only shard files, one map per mode."""

    def __init__(
        self,
        embedder: Embedder,
        cache_dir: Path,
        on_progress: ProgressCallback | None = None,
        prepared_dir: Path | None = None,
    ) -> None:
        self._embedder = embedder
        self._root = cache_dir / "embeddings" / embedder_name(embedder)
        # vectors a pack ships (read only): same layout, consulted before computing
        self._prepared = None if prepared_dir is None else prepared_dir / "embeddings"
        self.on_progress = on_progress
        self._memory: dict[str, dict[bytes, Vectors]] = {}

    @property
    def name(self) -> str:
        return embedder_name(self._embedder)

    @property
    def inner(self) -> Embedder:
        """The embedder whose vectors this caches."""
        return self._embedder

    @property
    def dim(self) -> int:
        return self._embedder.dim

    def embed_queries(self, texts: Sequence[str]) -> Vectors:
        return self._embed(texts, "query", self._embedder.embed_queries)

    def embed_passages(self, texts: Sequence[str]) -> Vectors:
        return self._embed(texts, "passage", self._embedder.embed_passages)

    def _embed(
        self, texts: Sequence[str], mode: str, compute: Callable[[Sequence[str]], Vectors]
    ) -> Vectors:
        known = self._load(mode)
        keys = [text_key(t) for t in texts]
        missing = list(dict.fromkeys(t for t, k in zip(texts, keys, strict=True) if k not in known))
        self._compute_missing(missing, mode, compute, known)
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        return np.stack([known[k] for k in keys]).astype(np.float32)

    def _compute_missing(
        self,
        missing: list[str],
        mode: str,
        compute: Callable[[Sequence[str]], Vectors],
        known: dict[bytes, Vectors],
    ) -> None:
        pending_keys: list[bytes] = []
        pending_vectors: list[Vectors] = []
        for start in range(0, len(missing), _BATCH):
            batch = missing[start : start + _BATCH]
            vectors = compute(batch)
            for text, vector in zip(batch, vectors, strict=True):
                known[text_key(text)] = vector
                pending_keys.append(text_key(text))
                pending_vectors.append(vector)
            if len(pending_keys) >= _SHARD:
                self._write_shard(mode, pending_keys, pending_vectors)
                pending_keys, pending_vectors = [], []
            done = min(start + _BATCH, len(missing))
            if self.on_progress is not None:
                self.on_progress(done, len(missing))
            else:
                report_progress(f"Embedding {mode} sentences ({self.name})", done, len(missing))
        if pending_keys:
            self._write_shard(mode, pending_keys, pending_vectors)

    def write_prepared(self, texts: Sequence[str], mode: str, prepared_dir: Path) -> Path:
        """Ship exactly these texts' vectors in `prepared_dir`, where a later run reads them."""
        vectors = self._embed(texts, mode, self._compute(mode))
        directory = prepared_dir / "embeddings" / self.name / mode
        for old in directory.glob("*.npz"):
            old.unlink()
        unique = dict(zip(texts, vectors, strict=True))
        return _write_shard(directory, [text_key(t) for t in unique], list(unique.values()))

    def _compute(self, mode: str) -> Callable[[Sequence[str]], Vectors]:
        return self._embedder.embed_queries if mode == "query" else self._embedder.embed_passages

    def _load(self, mode: str) -> dict[bytes, Vectors]:
        if mode in self._memory:
            return self._memory[mode]
        known: dict[bytes, Vectors] = {}
        folders = [self._root / mode]
        if self._prepared is not None:
            folders.insert(0, self._prepared / self.name / mode)  # the cache wins over it
        for directory in folders:
            for shard in sorted(directory.glob("*.npz")) if directory.is_dir() else []:
                _read_shard(shard, known)
        self._memory[mode] = known
        return known

    def _write_shard(self, mode: str, keys: list[bytes], vectors: list[Vectors]) -> None:
        _write_shard(self._root / mode, keys, vectors)


def _read_shard(shard: Path, known: dict[bytes, Vectors]) -> None:
    try:
        with np.load(shard) as data:
            for key, vector in zip(data["keys"], data["vectors"], strict=True):
                known[key.tobytes()] = vector
    except (OSError, ValueError, KeyError):
        pass  # a shard cut short by an interrupted run is simply recomputed


def _write_shard(directory: Path, keys: list[bytes], vectors: list[Vectors]) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    final = directory / f"{uuid.uuid4().hex}.npz"
    temporary = directory / f".{final.stem}.tmp.npz"
    key_array = np.frombuffer(b"".join(keys), dtype=np.uint8).reshape(len(keys), 20)
    np.savez(temporary, keys=key_array, vectors=np.stack(vectors).astype(np.float32))
    os.replace(temporary, final)  # readers never see half a shard
    return final
