"""Passage vectors cached on disk by content hash, so articles are embedded once."""

from __future__ import annotations

import hashlib
import os
import tempfile
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from relaydesk.assistant.embeddings import Embedder, Vectors
from relaydesk.assistant.preparation import report_progress
from relaydesk.assistant.understanding.embedding_cache import embedder_name

CACHE_FILE = "knowledge-vectors.npz"
_BATCH = 16


def content_key(embedder: Embedder, text: str) -> str:
    """Key of one passage's vector: the model (not a wrapper around it) and the exact text."""
    model = f"{embedder_name(embedder)}:{embedder.dim}"
    return hashlib.sha256(f"{model}\n{text}".encode()).hexdigest()


def embed_passages(
    embedder: Embedder,
    texts: Sequence[str],
    cache_dir: Path | None,
    prepared: Path | None = None,
) -> Vectors:
    """Vectors for texts, reading what the cache has and embedding (and storing) the rest.
    `prepared` is a file of vectors shipped with the pack, read when the cache lacks them."""
    keys = [content_key(embedder, text) for text in texts]
    cached = _read(cache_dir)
    if prepared is not None and any(key not in cached for key in keys):
        shipped = _read_file(prepared)
        cached.update({key: shipped[key] for key in keys if key in shipped and key not in cached})
    missing = [i for i, key in enumerate(keys) if key not in cached]
    if missing:
        for start in range(0, len(missing), _BATCH):
            batch = missing[start : start + _BATCH]
            fresh = embedder.embed_passages([texts[i] for i in batch])
            for row, i in enumerate(batch):
                cached[keys[i]] = fresh[row]
            report_progress("Embedding help articles", start + len(batch), len(missing))
        if cache_dir is not None:
            _write(cache_dir, cached)
    if not keys:
        return np.zeros((0, embedder.dim), dtype=np.float32)
    return np.stack([cached[key] for key in keys]).astype(np.float32)


def write_prepared(path: Path, embedder: Embedder, texts: Sequence[str], vectors: Vectors) -> None:
    """Ship these texts' vectors with a pack (exactly these, so the file stays small)."""
    chosen = {content_key(embedder, text): vectors[row] for row, text in enumerate(texts)}
    _write_file(path, chosen)


def _read(cache_dir: Path | None) -> dict[str, Vectors]:
    return {} if cache_dir is None else _read_file(cache_dir / CACHE_FILE)


def _read_file(path: Path) -> dict[str, Vectors]:
    if not path.exists():
        return {}
    try:
        with np.load(path, allow_pickle=False) as data:
            return {key: np.asarray(data[key], dtype=np.float32) for key in data.files}
    except (OSError, ValueError):
        return {}  # a corrupt cache costs one re-embedding, never a failed start


def _write(cache_dir: Path, vectors: dict[str, Vectors]) -> None:
    _write_file(cache_dir / CACHE_FILE, vectors)


def _write_file(path: Path, vectors: dict[str, Vectors]) -> None:
    # Write then rename, so a concurrent reader never sees half a file.
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, tmp = tempfile.mkstemp(dir=path.parent, suffix=".npz")
    try:
        with os.fdopen(handle, "wb") as out:
            np.savez(out, **vectors)  # type: ignore[arg-type]
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
