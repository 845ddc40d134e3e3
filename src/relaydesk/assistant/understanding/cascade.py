"""A fast path in front of the full classifier: e5 embeddings cost about 90 % of a turn, and
many messages ("thanks", "agent", "when is my next payment?") are clear from their words and a
cheap sentence vector. A model of n-grams (plus the light embedder's vectors, when the settings
use them) answers when it is sure enough; the full model answers the rest. How sure is chosen
on held-out training data: the lowest confidence at which the cascade loses no accuracy."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import replace

import numpy as np
import numpy.typing as npt

from relaydesk.assistant.embeddings import Embedder
from relaydesk.assistant.understanding.classifier import (
    ClassifierSettings,
    IntentClassifier,
    Prediction,
)
from relaydesk.assistant.understanding.datasets import OUT_OF_SCOPE

FAST_PATH_CONFIDENCE = 0.9  # when there is too little data to choose on held-out examples
_NEVER = 1.01  # no confidence is that high: every message goes to the full model
_CANDIDATE_CONFIDENCES = tuple(float(c) for c in np.round(np.arange(0.99, 0.49, -0.05), 2))
# n-grams learn that a language seen mostly in requests for a person means one: the fast path
# answers this only when the caller has its own evidence (the word list) for it
_FULL_MODEL_ONLY = frozenset({"talk_to_human"})


class CascadeClassifier:
    """Same interface as IntentClassifier; `fast_answers` counts how often the fast path won."""

    def __init__(
        self,
        fast: IntentClassifier,
        full: IntentClassifier,
        confidence: float = FAST_PATH_CONFIDENCE,
    ) -> None:
        self.fast = fast
        self.full = full
        self.confidence = confidence
        self.fast_answers = 0
        # the languages the light embedder was trained on (None: any); elsewhere its vectors
        # put unrelated messages together, so the fast path answers there only when confirmed
        self.fast_languages: frozenset[str] | None = None

    @property
    def intents(self) -> list[str]:
        return self.full.intents

    def attach(self, embedder: Embedder | None, light_embedder: Embedder | None = None) -> None:
        self.full.attach(embedder, light_embedder)
        self.fast.attach(None, light_embedder)
        languages = getattr(light_embedder, "languages", None)
        reads_light = self.fast.settings.light_embedding_weight > 0
        self.fast_languages = frozenset(languages) if reads_light and languages else None

    def predict(
        self,
        texts: Sequence[str],
        confirmed: Collection[str] = frozenset(),
        language: str | None = None,
    ) -> list[Prediction]:
        """`confirmed`: intents the caller has independent evidence for in these texts;
        `language`: the texts' language, when known."""
        answers: list[Prediction | None] = [
            prediction if self._sure(prediction, confirmed, language) else None
            for prediction in self.fast.predict(texts)
        ]
        unsure = [i for i, answer in enumerate(answers) if answer is None]
        self.fast_answers += len(texts) - len(unsure)
        if unsure:
            for index, prediction in zip(
                unsure, self.full.predict([texts[i] for i in unsure]), strict=True
            ):
                answers[index] = prediction
        return [answer for answer in answers if answer is not None]

    def _sure(
        self,
        prediction: Prediction,
        confirmed: Collection[str] = frozenset(),
        language: str | None = None,
    ) -> bool:
        if prediction.intent in confirmed:
            return prediction.confidence >= self.confidence
        if prediction.intent in _FULL_MODEL_ONLY or not self._known_language(language):
            return False
        return not prediction.out_of_scope and prediction.confidence >= self.confidence

    def _known_language(self, language: str | None) -> bool:
        return self.fast_languages is None or language in self.fast_languages


def train_cascade(
    texts: Sequence[str],
    labels: Sequence[str],
    embedder: Embedder,
    settings: ClassifierSettings | None = None,
    light_embedder: Embedder | None = None,
) -> CascadeClassifier:
    """Chooses the fast path's confidence on held-out data, then trains the full model and a
    model without e5 on all examples."""
    settings = settings or ClassifierSettings()
    cascade = _new_cascade(settings, embedder, light_embedder)
    if cascade.full.can_hold_out(labels):
        cascade.confidence = _held_out_confidence(
            _new_cascade(settings, embedder, light_embedder), texts, labels
        )
    cascade.full.fit(texts, labels)
    cascade.fast.fit(texts, labels)
    return cascade


def _new_cascade(
    settings: ClassifierSettings, embedder: Embedder, light_embedder: Embedder | None
) -> CascadeClassifier:
    full = IntentClassifier(settings)
    # without a light embedder the fast model is the n-grams alone
    light_weight = settings.fast_path_light_weight if light_embedder is not None else 0.0
    fast_settings = replace(settings, use_embeddings=False, light_embedding_weight=light_weight)
    fast = IntentClassifier(fast_settings)
    cascade = CascadeClassifier(fast, full)
    cascade.attach(embedder, light_embedder)
    return cascade


def _held_out_confidence(
    cascade: CascadeClassifier, texts: Sequence[str], labels: Sequence[str]
) -> float:
    """The lowest candidate confidence at which the cascade is as accurate on held-out
    examples as the full model alone."""
    fit_texts, fit_labels, (held_texts, held_labels) = cascade.full.hold_out(texts, labels)
    cascade.full.fit(fit_texts, fit_labels)
    cascade.fast.fit(fit_texts, fit_labels)
    full = _answers(cascade.full.predict(held_texts))
    fast_predictions = cascade.fast.predict(held_texts)
    fast = _answers(fast_predictions)
    truth = np.array(held_labels)
    full_accuracy = float((full == truth).mean())
    chosen = _NEVER
    for confidence in _CANDIDATE_CONFIDENCES:
        cascade.confidence = confidence
        taken = np.array([cascade._sure(p) for p in fast_predictions])
        if float((np.where(taken, fast, full) == truth).mean()) < full_accuracy:
            break
        chosen = confidence
    return chosen


def _answers(predictions: list[Prediction]) -> npt.NDArray[np.str_]:
    return np.array([p.intent or OUT_OF_SCOPE for p in predictions])
