"""A fast path in front of the full classifier: e5 embeddings cost about 90 % of a turn, and
many messages ("thanks", "agent", "when is my next payment?") are clear from their words and a
cheap sentence vector. A model of n-grams (plus the light embedder's vectors, when the settings
use them) answers when it is very sure; the full model answers the rest."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from relaydesk.assistant.embeddings import Embedder
from relaydesk.assistant.understanding.classifier import (
    ClassifierSettings,
    IntentClassifier,
    Prediction,
)

FAST_PATH_CONFIDENCE = 0.9  # calibrated: the fast model is right about this often when it answers
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

    @property
    def intents(self) -> list[str]:
        return self.full.intents

    def attach(self, embedder: Embedder | None, light_embedder: Embedder | None = None) -> None:
        self.full.attach(embedder, light_embedder)
        self.fast.attach(None, light_embedder)

    def predict(self, texts: Sequence[str]) -> list[Prediction]:
        answers: list[Prediction | None] = [
            prediction if self._sure(prediction) else None
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

    def _sure(self, prediction: Prediction) -> bool:
        # n-grams learn that a language seen mostly in requests for a person means one
        if prediction.intent in _FULL_MODEL_ONLY:
            return False
        return not prediction.out_of_scope and prediction.confidence >= self.confidence


def train_cascade(
    texts: Sequence[str],
    labels: Sequence[str],
    embedder: Embedder,
    settings: ClassifierSettings | None = None,
    light_embedder: Embedder | None = None,
) -> CascadeClassifier:
    """Trains the full model and a model without e5 on the same examples."""
    settings = settings or ClassifierSettings()
    full = IntentClassifier(settings)
    fast = IntentClassifier(replace(settings, use_embeddings=False))
    cascade = CascadeClassifier(fast, full)
    cascade.attach(embedder, light_embedder)
    full.fit(texts, labels)
    fast.fit(texts, labels)
    return cascade
