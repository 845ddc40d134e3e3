"""Intent classification: word and character n-grams plus sentence embeddings, a linear model,
temperature-calibrated probabilities and an out-of-scope threshold chosen on held-out data."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt
from scipy import sparse
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import train_test_split
from sklearn.svm import LinearSVC

from relaydesk.assistant.embeddings import Embedder
from relaydesk.assistant.understanding.datasets import OUT_OF_SCOPE
from relaydesk.assistant.understanding.out_of_scope import (
    CombinedScore,
    NeighbourSimilarity,
    Vectors,
    best_threshold,
)
from relaydesk.assistant.understanding.tfidf_rows import tfidf_rows

Matrix = npt.NDArray[np.float64]
_FAMILIAR_PERCENTILE = 10  # the least familiar tenth of held-out in-scope messages
_FEW_ROWS = 8  # up to this many texts, n-gram rows are scored one by one


@dataclass(frozen=True)
class ClassifierSettings:
    embedding_weight: float = 2.0  # how much the embedding counts against the n-grams
    # the light embedder's vectors (USE-multilingual, a tenth of e5's cost); 0 leaves them out
    light_embedding_weight: float = 0.0
    # the same in the cascade's fast model, which never reads e5 (chosen on held-out pack data)
    fast_path_light_weight: float = 2.0
    regularisation: float = 10.0  # C of the linear model
    linear_model: str = "logistic"  # or "svm": faster to train, margins calibrated the same way
    use_ngrams: bool = True
    use_embeddings: bool = True
    embed_as: str = "query"  # e5 knows 'query: ' and 'passage: ' prefixes; "both" joins them
    seed: int = 0
    holdout_share: float = 0.15  # of the training data, to fit temperature and threshold
    # what the out-of-scope threshold maximises on held-out data: "accuracy" over all
    # messages, "balanced", the mean of in-scope accuracy and out-of-scope recall, or
    # "recall", in-scope accuracy among thresholds that catch target_recall of out-of-scope
    threshold_objective: str = "accuracy"
    target_recall: float = 0.9
    # what the threshold applies to: the top in-scope "probability", or "neighbours", that
    # plus the similarity to the nearest in-scope training sentences (out_of_scope.py; the
    # blended model measures it in the fine-tuned encoder's space, blended_classifier.py)
    out_of_scope_score: str = "probability"

    @property
    def cascade_uses_light_embedder(self) -> bool:
        return max(self.light_embedding_weight, self.fast_path_light_weight) > 0


@dataclass(frozen=True)
class Prediction:
    ranked: tuple[tuple[str, float], ...]  # in-scope intents, best first
    out_of_scope: bool
    # as close to the training data as most held-out in-scope messages (see _familiarity)
    familiar: bool = True

    @property
    def intent(self) -> str | None:
        return None if self.out_of_scope or not self.ranked else self.ranked[0][0]

    @property
    def confidence(self) -> float:
        return self.ranked[0][1] if self.ranked else 0.0


class IntentClassifier:
    """Trained once from labelled texts; the embedder is given again after loading from disk."""

    def __init__(self, settings: ClassifierSettings | None = None) -> None:
        self.settings = settings or ClassifierSettings()
        self.temperature = 1.0
        self.threshold = 0.0
        self._embedder: Embedder | None = None
        self._light_embedder: Embedder | None = None
        self._word: Any = None
        self._char: Any = None
        self._model: Any = None
        self._in_scope: npt.NDArray[np.bool_] = np.zeros(0, dtype=bool)
        self._neighbours: list[NeighbourSimilarity] = []  # one per embedding, when scored
        self._combined: CombinedScore | None = None
        self._light_neighbours: NeighbourSimilarity | None = None
        self.familiar_level = -np.inf

    @property
    def intents(self) -> list[str]:
        return [str(label) for label in self._model.classes_ if label != OUT_OF_SCOPE]

    def attach(self, embedder: Embedder | None, light_embedder: Embedder | None = None) -> None:
        """Gives the classifier its embedders (not stored with the model)."""
        self._embedder = embedder
        self._light_embedder = light_embedder

    def __getstate__(self) -> dict[str, Any]:
        return {**self.__dict__, "_embedder": None, "_light_embedder": None}

    def fit(
        self,
        texts: Sequence[str],
        labels: Sequence[str],
        validation: tuple[Sequence[str], Sequence[str]] | None = None,
    ) -> IntentClassifier:
        """Fits the model; temperature and threshold come from `validation` or a held-out part."""
        if validation is None and not self.can_hold_out(labels):
            self._fit_model(texts, labels)  # too few examples to hold any out: no calibration
        elif validation is None:
            texts, labels, validation = self.hold_out(texts, labels)
            self._fit_model(texts, labels)
            self._calibrate(*validation)
            self._fit_model(list(texts) + list(validation[0]), list(labels) + list(validation[1]))
        else:
            self._fit_model(texts, labels)
            self._calibrate(*validation)
        return self

    def predict(self, texts: Sequence[str], ngrams: list[Any] | None = None) -> list[Prediction]:
        """`ngrams`: these texts' ngram_blocks, when already computed by a model that
        reads_the_same_ngrams as this one."""
        vectors = self._vectors(texts)
        probabilities = self._probabilities(texts, vectors, ngrams)
        scores = self._scores(probabilities, vectors)
        familiar = self._familiarity(texts, vectors) >= self.familiar_level
        rows = zip(probabilities, scores, familiar, strict=True)
        return [self._prediction(row, score, bool(known)) for row, score, known in rows]

    def probabilities(self, texts: Sequence[str]) -> Matrix:
        """Calibrated probabilities over the in-scope intents, one row per text."""
        return self._probabilities(texts, self._vectors(texts))

    def _probabilities(
        self, texts: Sequence[str], vectors: list[Vectors], ngrams: list[Any] | None = None
    ) -> Matrix:
        if not all(np.isfinite(block).all() for block in vectors):
            raise ValueError("An embedder returned a vector that is not finite.")
        logits = linear_scores(self._model, self._feature_blocks(texts, vectors, ngrams))
        logits = np.atleast_2d(logits) / self.temperature
        return softmax(logits)[:, self._in_scope]

    def _scores(self, probabilities: Matrix, vectors: list[Vectors]) -> Matrix:
        """What the out-of-scope threshold is compared with, one number per text."""
        top: Matrix = probabilities.max(axis=1)
        if self._combined is None:
            return top
        return self._combined(self._score_parts(top, vectors))

    def _score_parts(self, top: Matrix, vectors: list[Vectors]) -> Matrix:
        indexes = zip(self._neighbours, vectors, strict=True)
        similarities = [similarity(block) for similarity, block in indexes]
        return np.column_stack([top, *similarities])

    def _prediction(self, row: Matrix, score: float, familiar: bool) -> Prediction:
        return Prediction(ranked(row, self.intents), bool(score < self.threshold), familiar)

    def _familiarity(self, texts: Sequence[str], vectors: list[Vectors]) -> Matrix:
        """Similarity to the nearest in-scope training sentences in the light embedder's
        space, or without it the share of words seen in training. Made-up words still land
        near some intent, sometimes confidently; this tells such messages apart."""
        if self._light_neighbours is not None:
            return self._light_neighbours(vectors[-1])
        return self._known_word_share(texts)

    def _known_word_share(self, texts: Sequence[str]) -> Matrix:
        """The share of each text's words that occur in the training data (0 without words)."""
        if not self.settings.use_ngrams:
            return np.ones(len(texts))
        tokenize, vocabulary = self._word.build_tokenizer(), self._word.vocabulary_
        shares = []
        for text in texts:
            words = [word.lower() for word in tokenize(text)]
            shares.append(sum(word in vocabulary for word in words) / len(words) if words else 0.0)
        return np.array(shares)

    def can_hold_out(self, labels: Sequence[str]) -> bool:
        """A stratified hold-out needs two examples of every intent and one held out of each."""
        counts = Counter(labels)
        held_out = int(np.ceil(self.settings.holdout_share * len(labels)))
        return min(counts.values(), default=0) >= 2 and held_out >= len(counts)

    def hold_out(
        self, texts: Sequence[str], labels: Sequence[str]
    ) -> tuple[list[str], list[str], tuple[list[str], list[str]]]:
        fit_x, held_x, fit_y, held_y = train_test_split(
            list(texts),
            list(labels),
            test_size=self.settings.holdout_share,
            random_state=self.settings.seed,
            stratify=list(labels),
        )
        return fit_x, fit_y, (held_x, held_y)

    def _fit_model(self, texts: Sequence[str], labels: Sequence[str]) -> None:
        self._word = TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True, lowercase=True)
        self._char = TfidfVectorizer(
            analyzer="char_wb", ngram_range=(2, 5), sublinear_tf=True, lowercase=True
        )
        if self.settings.use_ngrams:
            self._word.fit(texts)
            self._char.fit(texts)
        self._model = self._new_linear_model()
        vectors = self._vectors(texts)
        self._model.fit(self._features(texts, vectors), list(labels))
        self._in_scope = np.array([label != OUT_OF_SCOPE for label in self._model.classes_])
        known = np.array([label != OUT_OF_SCOPE for label in labels])
        if self.settings.out_of_scope_score == "neighbours":
            self._neighbours = [NeighbourSimilarity(block[known]) for block in vectors]
        if self.settings.light_embedding_weight > 0:
            self._light_neighbours = NeighbourSimilarity(vectors[-1][known])

    def _new_linear_model(self) -> Any:
        if self.settings.linear_model == "svm":
            return LinearSVC(
                C=self.settings.regularisation, max_iter=5000, random_state=self.settings.seed
            )
        # saga converges in a tenth of lbfgs's time on these wide sparse + dense features
        return LogisticRegression(
            C=self.settings.regularisation,
            solver="saga",
            tol=1e-3,
            max_iter=2000,
            random_state=self.settings.seed,
        )

    def _vectors(self, texts: Sequence[str]) -> list[Vectors]:
        """The unit sentence vectors the model reads: e5's, then the light embedder's."""
        vectors = [self._embed(texts)] if self.settings.use_embeddings else []
        if self.settings.light_embedding_weight > 0:
            if self._light_embedder is None:
                raise RuntimeError("The classifier needs a light embedder: call attach() first.")
            vectors.append(self._light_embedder.embed_queries(texts))
        return vectors

    def ngram_blocks(self, texts: Sequence[str]) -> list[Any]:
        """The texts' word and character tf-idf rows (none when n-grams are not used)."""
        if not self.settings.use_ngrams:
            return []
        return [tfidf_rows(self._word, texts), tfidf_rows(self._char, texts)]

    @property
    def ngram_vectorizers(self) -> tuple[object, object]:
        """The fitted word and character vectorizers: fitting again makes new ones."""
        return self._word, self._char

    def keep_single_precision(self) -> None:
        """The linear model's weights as float32, laid out so that their transpose, which
        a prediction multiplies by, is contiguous: scipy copied the whole matrix (7 MB) on
        every prediction before. Scores differ from double precision by about 1e-7, far
        below any threshold chosen on them."""
        coef = getattr(self._model, "coef_", None)
        if coef is not None and not (coef.dtype == np.float32 and coef.T.flags.c_contiguous):
            self._model.coef_ = np.ascontiguousarray(coef.T, dtype=np.float32).T

    def share_ngrams_of(self, other: IntentClassifier) -> None:
        """Read n-grams through `other`'s vectorizers (equal to this model's: see
        reads_the_same_ngrams). Fitting again gives this model new ones of its own."""
        self._word, self._char = other._word, other._char

    def reads_the_same_ngrams(self, other: IntentClassifier) -> bool:
        """Both fitted with n-grams of the same vocabularies and weights: the cascade's
        models are fitted on the same texts, so one model's n-gram rows serve the other."""
        if not (self.settings.use_ngrams and other.settings.use_ngrams):
            return False
        pairs = ((self._word, other._word), (self._char, other._char))
        return all(
            hasattr(mine, "idf_") and hasattr(theirs, "idf_")
            and mine.get_params() == theirs.get_params()
            and mine.vocabulary_ == theirs.vocabulary_
            and np.array_equal(mine.idf_, theirs.idf_)
            for mine, theirs in pairs
        )  # fmt: skip

    def _features(self, texts: Sequence[str], vectors: list[Vectors]) -> Any:
        """The feature matrix the linear model is fitted on."""
        blocks = self._feature_blocks(texts, vectors)
        return sparse.hstack([sparse.csr_matrix(block) for block in blocks], format="csr")

    def _feature_blocks(
        self, texts: Sequence[str], vectors: list[Vectors], ngrams: list[Any] | None = None
    ) -> list[Any]:
        """The features side by side: n-gram rows (sparse), then weighted sentence vectors."""
        blocks: list[Any] = []
        if self.settings.use_ngrams:
            blocks += self.ngram_blocks(texts) if ngrams is None else ngrams
        weights = [self.settings.embedding_weight] if self.settings.use_embeddings else []
        weights += [self.settings.light_embedding_weight] if len(vectors) > len(weights) else []
        blocks += [v * w for v, w in zip(vectors, weights, strict=True)]
        return blocks

    def _embed(self, texts: Sequence[str]) -> npt.NDArray[np.float32]:
        if self._embedder is None:
            raise RuntimeError("The classifier needs an embedder: call attach() first.")
        if self.settings.embed_as == "passage":
            return self._embedder.embed_passages(texts)
        if self.settings.embed_as == "both":
            both = np.hstack(
                [self._embedder.embed_queries(texts), self._embedder.embed_passages(texts)]
            )
            joined: npt.NDArray[np.float32] = (both / np.sqrt(2)).astype(np.float32)
            return joined
        return self._embedder.embed_queries(texts)

    def _calibrate(self, texts: Sequence[str], labels: Sequence[str]) -> None:
        vectors = self._vectors(texts)
        logits = np.atleast_2d(self._model.decision_function(self._features(texts, vectors)))
        classes = list(self._model.classes_)
        known = [i for i, label in enumerate(labels) if label in classes]
        target = np.array([classes.index(labels[i]) for i in known])
        self.temperature = fit_temperature(logits[known], target)
        in_scope = softmax(logits / self.temperature)[:, self._in_scope]
        in_scope_rows = np.array(labels) != OUT_OF_SCOPE
        if in_scope_rows.any():
            familiarity = self._familiarity(texts, vectors)[in_scope_rows]
            self.familiar_level = float(np.percentile(familiarity, _FAMILIAR_PERCENTILE))
        self._choose_threshold(in_scope, labels, vectors)

    def _choose_threshold(
        self, in_scope: Matrix, labels: Sequence[str], vectors: list[Vectors]
    ) -> None:
        predicted = [self.intents[i] for i in in_scope.argmax(axis=1)]
        objective, recall = self.settings.threshold_objective, self.settings.target_recall
        self._combined = None
        if self._neighbours and OUT_OF_SCOPE in labels:
            parts = self._score_parts(in_scope.max(axis=1), vectors)
            self._combined = CombinedScore().fit(parts, np.array(labels) != OUT_OF_SCOPE)
            self.threshold = best_threshold(
                self._combined(parts), predicted, labels, objective, target_recall=recall
            )
        else:
            probability_grid = np.linspace(0.0, 0.99, 100)
            self.threshold = best_threshold(
                in_scope.max(axis=1), predicted, labels, objective, probability_grid, recall
            )


def ranked(row: Matrix, intents: Sequence[str]) -> tuple[tuple[str, float], ...]:
    """The five most probable intents of one row of probabilities, best first."""
    return tuple((intents[i], round(float(row[i]), 4)) for i in np.argsort(-row)[:5])


def softmax(logits: Matrix) -> Matrix:
    shifted = logits - logits.max(axis=1, keepdims=True)
    exp = np.exp(shifted)
    result: Matrix = exp / exp.sum(axis=1, keepdims=True)
    return result


def fit_temperature(logits: Matrix, target: npt.NDArray[np.int_]) -> float:
    """The temperature that minimises held-out log loss (a grid is enough for one number)."""
    if len(target) == 0:
        return 1.0
    grid = np.exp(np.linspace(np.log(0.05), np.log(20.0), 80))
    losses = [_log_loss(softmax(logits / t), target) for t in grid]
    return float(grid[int(np.argmin(losses))])


def _log_loss(probabilities: Matrix, target: npt.NDArray[np.int_]) -> float:
    picked = probabilities[np.arange(len(target)), target]
    return float(-np.mean(np.log(np.clip(picked, 1e-12, 1.0))))


def linear_scores(model: Any, blocks: Sequence[Any]) -> Matrix:
    """What a fitted linear model's decision_function gives for the features `blocks` side
    by side (sparse or dense, finite), without scikit-learn's checks of the input (about 1 ms a
    message, most of it looking for a dataframe), and without joining the blocks: joining a
    message's four blocks into one sparse matrix cost more than scoring it."""
    weights = model.coef_.T
    rows = blocks[0].shape[0]
    scores: Matrix = np.zeros((rows, weights.shape[1])) + model.intercept_
    start = 0
    for block in blocks:
        part = weights[start : start + block.shape[1]]
        start += block.shape[1]
        if not sparse.issparse(block):
            scores += np.asarray(block, dtype=part.dtype) @ part
        elif rows <= _FEW_ROWS:  # a turn's message: gather the weights of its few n-grams
            block = block.tocsr()  # the rows below are read as CSR's; a CSR stays as it is
            for row in range(rows):
                cells = slice(block.indptr[row], block.indptr[row + 1])
                values = block.data[cells].astype(part.dtype, copy=False)
                scores[row] += values @ part[block.indices[cells]]
        else:
            scores += np.asarray(block.astype(part.dtype, copy=False) @ part)
    if start != weights.shape[0]:
        raise ValueError(f"{start} features given to a model of {weights.shape[0]}.")
    return scores.ravel() if scores.shape[1] == 1 else scores
