"""The linear model (n-grams and frozen sentence vectors) and the fine-tuned encoder make
different mistakes: their probabilities, averaged, beat either alone. With a validation split
the weight, the encoder's temperature and the out-of-scope threshold are chosen on it; without
one both models learn from all the data and count equally (a second fine-tuning run only to
choose one number would double the cost), unless the data has out-of-scope examples: their
threshold needs held-out data. The threshold applies to the blended top probability, or with
the "neighbours" score to that plus the similarity to the nearest in-scope training sentences
in the fine-tuned encoder's space, both put on one scale on held-out data."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import replace

import numpy as np
import numpy.typing as npt

from relaydesk.assistant.embeddings import Embedder
from relaydesk.assistant.understanding.classifier import (
    IntentClassifier,
    Prediction,
    fit_temperature,
    ranked,
    softmax,
)
from relaydesk.assistant.understanding.datasets import OUT_OF_SCOPE
from relaydesk.assistant.understanding.out_of_scope import (
    CombinedScore,
    NeighbourSimilarity,
    best_threshold,
    unit_rows,
)
from relaydesk.assistant.understanding.tuned_classifier import TunedEncoderClassifier

Matrix = npt.NDArray[np.float64]
_WEIGHTS = np.linspace(0.0, 1.0, 21)  # of the tuned encoder's probabilities


class BlendedClassifier:
    def __init__(self, linear: IntentClassifier, tuned: TunedEncoderClassifier) -> None:
        self.settings = linear.settings
        # the blend scores out-of-scope itself: the linear model's own score would go unread
        linear.settings = replace(linear.settings, out_of_scope_score="probability")
        self.linear = linear
        self.tuned = tuned
        self.weight = 0.5
        self.temperature = 1.0  # the tuned encoder's
        self.threshold = 0.0
        self._tuned_columns: list[int] = []
        self._neighbours: NeighbourSimilarity | None = None
        self._combined: CombinedScore | None = None

    @property
    def intents(self) -> list[str]:
        return self.linear.intents

    def attach(self, embedder: Embedder | None, light_embedder: Embedder | None = None) -> None:
        self.linear.attach(embedder, light_embedder)

    def fit(
        self,
        texts: Sequence[str],
        labels: Sequence[str],
        validation: tuple[Sequence[str], Sequence[str]] | None = None,
        on_progress: Callable[[str, int, int], None] | None = None,
    ) -> BlendedClassifier:
        """Both models learn from `texts`; weight, temperature and threshold come from
        `validation` when given. Without it, data with out-of-scope examples still needs a
        threshold, so a part is held out for it; otherwise nothing is (the linear model then
        calibrates itself on a part it refits on)."""
        if validation is None and OUT_OF_SCOPE in labels and self.linear.can_hold_out(labels):
            texts, labels, validation = self.linear.hold_out(texts, labels)
        self.linear.fit(texts, labels, validation=validation)
        self.tuned.fit(texts, labels, on_progress=on_progress)
        self._tuned_columns = [self.tuned.classes.index(intent) for intent in self.intents]
        if self.settings.out_of_scope_score == "neighbours":
            self._fit_neighbours(texts, labels)
        if validation is not None:
            self._calibrate(*validation)
        return self

    def predict(self, texts: Sequence[str]) -> list[Prediction]:
        intents = self.intents
        probabilities, scores = self.scored(texts)
        return [
            Prediction(ranked(row, intents), bool(score < self.threshold))
            for row, score in zip(probabilities, scores, strict=True)
        ]

    def probabilities(self, texts: Sequence[str]) -> Matrix:
        return self._blended(texts)[0]

    def scored(self, texts: Sequence[str]) -> tuple[Matrix, Matrix]:
        """Blended probabilities and the score the threshold applies to, one row per text."""
        blended, vectors = self._blended(texts)
        if self._combined is None:
            return blended, blended.max(axis=1)
        return blended, self._combined(self._score_parts(blended, vectors))

    def _blended(self, texts: Sequence[str]) -> tuple[Matrix, Matrix]:
        """Blended probabilities and the tuned encoder's vectors, from one pass of each model."""
        vectors, logits = self.tuned.encode(texts)
        linear = self.linear.probabilities(texts)
        return self._blend(linear, self._tuned(logits), self.weight), vectors

    def _score_parts(self, blended: Matrix, vectors: Matrix) -> Matrix:
        assert self._neighbours is not None
        return np.column_stack([blended.max(axis=1), self._neighbours(unit_rows(vectors))])

    def _fit_neighbours(self, texts: Sequence[str], labels: Sequence[str]) -> None:
        known = [i for i, label in enumerate(labels) if label != OUT_OF_SCOPE]
        vectors = self.tuned.encode([texts[i] for i in known])[0]
        self._neighbours = NeighbourSimilarity(unit_rows(vectors))

    def _tuned(self, logits: Matrix) -> Matrix:
        in_scope: Matrix = softmax(logits / self.temperature)[:, self._tuned_columns]
        return in_scope

    def _blend(self, linear: Matrix, tuned: Matrix, weight: float) -> Matrix:
        blended: Matrix = weight * tuned + (1.0 - weight) * linear
        return blended

    def _calibrate(self, texts: Sequence[str], labels: Sequence[str]) -> None:
        vectors, logits = self.tuned.encode(texts)
        known = [i for i, label in enumerate(labels) if label in self.tuned.classes]
        target = np.array([self.tuned.classes.index(labels[i]) for i in known])
        self.temperature = fit_temperature(logits[known], target)
        linear, tuned = self.linear.probabilities(texts), self._tuned(logits)
        truth = np.array(labels)
        in_scope = truth != OUT_OF_SCOPE
        intents = np.array(self.intents)

        def accuracy(weight: float) -> float:
            guesses = intents[self._blend(linear, tuned, weight).argmax(axis=1)]
            return float((guesses[in_scope] == truth[in_scope]).mean())

        scores = [accuracy(weight) for weight in _WEIGHTS]
        self.weight = float(_WEIGHTS[int(np.argmax(scores))])
        blended = self._blend(linear, tuned, self.weight)
        predicted = list(intents[blended.argmax(axis=1)])
        objective, recall = self.settings.threshold_objective, self.settings.target_recall
        self._combined = None
        if self._neighbours is not None and not in_scope.all():
            parts = self._score_parts(blended, vectors)
            self._combined = CombinedScore().fit(parts, in_scope)
            score = self._combined(parts)
            self.threshold = best_threshold(score, predicted, labels, objective, None, recall)
        else:
            grid = np.linspace(0.0, 0.99, 100)
            score = blended.max(axis=1)
            self.threshold = best_threshold(score, predicted, labels, objective, grid, recall)

