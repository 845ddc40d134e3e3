"""Out-of-scope scores and thresholds. The top in-scope probability alone misses messages
that resemble no training sentence yet still fall on one side of a linear boundary; the
"neighbours" score adds how close the message is to its nearest in-scope training sentences
in each embedding space, each part put on one scale by its spread on held-out in-scope data."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import numpy.typing as npt

from relaydesk.assistant.understanding.datasets import OUT_OF_SCOPE

Matrix = npt.NDArray[np.float64]
Vectors = npt.NDArray[np.float32]
NEIGHBOURS = 5  # mean similarity to this many nearest training sentences
_CHUNK = 2048  # rows of similarities computed at once, to bound memory on big test sets


class NeighbourSimilarity:
    """Mean cosine similarity of unit vectors to their nearest in-scope training vectors."""

    def __init__(self, training: Vectors, neighbours: int = NEIGHBOURS) -> None:
        self._training = training.astype(np.float32)
        self._k = max(1, min(neighbours, len(training)))

    def __call__(self, vectors: Vectors) -> Matrix:
        result = np.zeros(len(vectors))
        for start in range(0, len(vectors), _CHUNK):
            similarities = vectors[start : start + _CHUNK] @ self._training.T
            nearest = np.partition(similarities, -self._k, axis=1)[:, -self._k :]
            result[start : start + _CHUNK] = nearest.mean(axis=1)
        return result


def unit_rows(vectors: Matrix) -> Vectors:
    """Each row scaled to length one, as NeighbourSimilarity expects."""
    lengths = np.maximum(np.linalg.norm(vectors, axis=1, keepdims=True), 1e-12)
    unit: Vectors = (vectors / lengths).astype(np.float32)
    return unit


class CombinedScore:
    """The sum of standardised parts: top probability and one similarity per embedding."""

    def __init__(self) -> None:
        self._mean: Matrix = np.zeros(0)
        self._spread: Matrix = np.ones(0)

    def fit(self, parts: Matrix, in_scope: npt.NDArray[np.bool_]) -> CombinedScore:
        reference = parts[in_scope] if in_scope.any() else parts
        self._mean = reference.mean(axis=0)
        self._spread = np.maximum(reference.std(axis=0), 1e-6)
        return self

    def __call__(self, parts: Matrix) -> Matrix:
        combined: Matrix = ((parts - self._mean) / self._spread).sum(axis=1)
        return combined


def best_threshold(
    scores: Matrix,
    predicted: Sequence[str],
    labels: Sequence[str],
    objective: str = "accuracy",
    candidates: Matrix | None = None,
    target_recall: float = 0.9,
) -> float:
    """The score below which a message is out of scope, chosen on held-out data. Objectives:
    "accuracy" over all messages; "balanced", the mean of in-scope accuracy and out-of-scope
    recall (so that many in-scope examples do not drown a few out-of-scope ones); "recall",
    the best in-scope accuracy among thresholds that reach `target_recall`. Zero without
    out-of-scope data."""
    truth = np.array(labels)
    out_of_scope = truth == OUT_OF_SCOPE
    if not out_of_scope.any() or out_of_scope.all():
        return 0.0
    if candidates is None:
        candidates = np.unique(np.quantile(scores, np.linspace(0.0, 0.5, 501)))
    right_intent = np.array(predicted) == truth
    results = []
    for threshold in candidates:
        rejected = scores < threshold
        in_scope_accuracy = float((right_intent & ~rejected)[~out_of_scope].mean())
        recall = float(rejected[out_of_scope].mean())
        if objective == "balanced":
            results.append((in_scope_accuracy + recall) / 2)
        elif objective == "recall":
            results.append(in_scope_accuracy if recall >= target_recall else recall - 1.0)
        else:
            right = np.where(out_of_scope, rejected, right_intent & ~rejected)
            results.append(float(right.mean()))
    return float(candidates[int(np.argmax(results))])
