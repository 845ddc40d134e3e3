"""A fitted TfidfVectorizer's rows for a few texts, without scikit-learn's per-call checks.

`transform` validates its input and looks for dataframes on every call (about 0.4 ms for one
message, most of a cheap prediction); a turn reads one or two texts. The vocabulary, the
analyzer and the idf weights are the vectorizer's own, so the rows are the same."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence
from typing import Any
from weakref import WeakKeyDictionary

import numpy as np
from scipy import sparse
from sklearn import config_context
from sklearn.feature_extraction.text import TfidfVectorizer

_ANALYZERS: WeakKeyDictionary[TfidfVectorizer, Callable[[str], list[str]]] = WeakKeyDictionary()
_FEW = 8  # more texts than this (training, evaluation) go to scikit-learn, checks and all


def tfidf_rows(vectorizer: TfidfVectorizer, texts: Sequence[str]) -> Any:
    """What `vectorizer.transform(texts)` returns (equal to within float rounding)."""
    if len(texts) > _FEW or not _follows(vectorizer):
        # counts of words are finite, and the parameters are the ones fitted
        with config_context(assume_finite=True, skip_parameter_validation=True):
            return vectorizer.transform(texts)
    analyse = _ANALYZERS.get(vectorizer)
    if analyse is None:
        analyse = _ANALYZERS[vectorizer] = vectorizer.build_analyzer()
    vocabulary, idf = vectorizer.vocabulary_, vectorizer.idf_
    indptr, indices, values = [0], [], []
    for text in texts:
        counts = Counter(vocabulary[gram] for gram in analyse(text) if gram in vocabulary)
        columns = sorted(counts)
        weights = np.fromiter((counts[c] for c in columns), np.float64, len(columns))
        weights = (np.log(weights) + 1.0) * idf[columns]  # sublinear tf, then idf
        norm = np.sqrt(weights @ weights)
        indices += columns
        values.append(weights / norm if norm else weights)
        indptr.append(len(indices))
    data = np.concatenate(values) if values else np.zeros(0)
    shape = (len(texts), len(idf))
    rows = (data, np.array(indices, dtype=np.int32), np.array(indptr, dtype=np.int32))
    return sparse.csr_matrix(rows, shape=shape)


def _follows(vectorizer: TfidfVectorizer) -> bool:
    """The settings the rows above are made for: the ones relaydesk fits with."""
    return (
        vectorizer.sublinear_tf
        and vectorizer.use_idf
        and vectorizer.norm == "l2"
        and vectorizer.binary is False
        and vectorizer.dtype is np.float64
    )
