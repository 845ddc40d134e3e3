"""A fast path in front of the full classifier: e5 embeddings cost about 90 % of a turn, and
many messages ("thanks", "agent", "when is my next payment?") are clear from their words and a
cheap sentence vector. An n-gram model answers when it is sure enough; then, in the light
embedder's own languages, a model of n-grams plus the light embedder's vectors; the full
model answers the rest. How sure is chosen on held-out training data: the lowest confidence
at which each fast path loses no accuracy against the full model alone."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import replace
from typing import Any

import numpy as np
import numpy.typing as npt

from relaydesk.assistant.embeddings import Embedder
from relaydesk.assistant.preparation import report_progress
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
    """Same interface as IntentClassifier; `fast_answers` counts how often a fast path won.
    `fast` may read the light embedder; `words` (n-grams only, optional) is tried before it,
    and alone in languages the light embedder was not trained on."""

    def __init__(
        self,
        fast: IntentClassifier,
        full: IntentClassifier,
        confidence: float = FAST_PATH_CONFIDENCE,
        words: IntentClassifier | None = None,
    ) -> None:
        self.fast = fast
        self.full = full
        self.words = words
        self.confidence = confidence
        self.words_confidence = FAST_PATH_CONFIDENCE
        self.fast_answers = 0
        self._same_ngrams: dict[tuple[object, ...], bool] = {}
        # the light embedder's training languages (None: any); elsewhere its vectors put
        # unrelated messages together
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
        readings: Sequence[str] | None = None,
    ) -> list[Prediction]:
        """`confirmed`: intents the caller has independent evidence for in these texts;
        `language`: the texts' language, when known; `readings`: each text read another
        way (without its greeting), which the fast paths try when unsure of the text
        itself, before the full model reads the text as it is."""
        answers, ngrams = self._fast_answers(texts, confirmed, language)
        again = [
            i for i, a in enumerate(answers) if a is None and readings and readings[i] != texts[i]
        ]
        if again and readings is not None:
            other, _ = self._fast_answers([readings[i] for i in again], confirmed, language)
            for index, answer in zip(again, other, strict=True):
                answers[index] = answer
        unsure = [i for i, answer in enumerate(answers) if answer is None]
        self.fast_answers += len(texts) - len(unsure)
        if unsure:
            rows = _rows(ngrams, unsure, len(texts))
            full = self.full.predict([texts[i] for i in unsure], rows)
            for index, prediction in zip(unsure, full, strict=True):
                answers[index] = prediction
        return [answer for answer in answers if answer is not None]

    def _fast_answers(
        self, texts: Sequence[str], confirmed: Collection[str], language: str | None
    ) -> tuple[list[Prediction | None], list[Any] | None]:
        """The fast paths' sure answers (None where none was sure), and the texts' n-gram
        rows when a fast path read them and the full model can take them."""
        answers: list[Prediction | None] = [None] * len(texts)
        unsure = list(range(len(texts)))
        ngrams: list[Any] | None = None
        for model, confidence in self._fast_paths(language):
            shares = self._shares_ngrams(model)
            if ngrams is None and shares:
                ngrams = model.ngram_blocks(texts)
            rows = _rows(ngrams, unsure, len(texts)) if shares else None
            predictions = model.predict([texts[i] for i in unsure], rows)
            for index, prediction in zip(unsure, predictions, strict=True):
                if _sure(prediction, confidence, confirmed):
                    answers[index] = prediction
            unsure = [i for i in unsure if answers[i] is None]
            if not unsure:
                break
        return answers, ngrams

    def _shares_ngrams(self, model: IntentClassifier) -> bool:
        """Whether the fast model's n-gram rows can be given to the full model (checked once
        per pair of fitted vectorizers: a model fitted again has new ones)."""
        key = (*model.ngram_vectorizers, *self.full.ngram_vectorizers)
        if key not in self._same_ngrams:
            if len(self._same_ngrams) > 4:  # older pairs were fitted again
                self._same_ngrams.clear()
            self._same_ngrams[key] = model.reads_the_same_ngrams(self.full)
        return self._same_ngrams[key]

    def compact(self) -> None:
        """Less memory for the same answers. The models are fitted on the same texts, so
        their n-gram vectorizers are equal: one copy serves them all (about 3 MB a copy, in
        memory and in the pickle). Each model's weights are kept in single precision (about
        3.5 MB less a model)."""
        for model in (self.fast, self.words):
            if model is not None and model.reads_the_same_ngrams(self.full):
                model.share_ngrams_of(self.full)
        for model in (self.fast, self.full, self.words):
            if model is not None:
                model.keep_single_precision()

    def __getstate__(self) -> dict[str, Any]:
        return {**self.__dict__, "_same_ngrams": {}}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__dict__.update({"_same_ngrams": {}, **state})  # models pickled before it
        self.compact()  # pickled before models were compacted

    def _fast_paths(self, language: str | None) -> list[tuple[IntentClassifier, float]]:
        """The models tried before the full one, cheapest first: n-grams alone (a clear
        message needs no sentence vector), then with the light embedder in its languages."""
        paths = [] if self.words is None else [(self.words, self.words_confidence)]
        if self.fast_languages is None or language in self.fast_languages:
            paths.append((self.fast, self.confidence))
        return paths


def _rows(ngrams: list[Any] | None, chosen: list[int], count: int) -> list[Any] | None:
    """The chosen texts' n-gram rows; picking rows from a sparse matrix costs a tenth of a
    millisecond, so all of them are passed as they are."""
    if ngrams is None or len(chosen) == count:
        return ngrams
    return [block[chosen] for block in ngrams]


def _sure(prediction: Prediction, confidence: float, confirmed: Collection[str]) -> bool:
    if prediction.intent in _FULL_MODEL_ONLY and prediction.intent not in confirmed:
        return False
    answerable = prediction.familiar and not prediction.out_of_scope
    return answerable and prediction.confidence >= confidence


def train_cascade(
    texts: Sequence[str],
    labels: Sequence[str],
    embedder: Embedder,
    settings: ClassifierSettings | None = None,
    light_embedder: Embedder | None = None,
) -> CascadeClassifier:
    """Chooses the fast paths' confidence on held-out data, then trains the full model and
    the models without e5 on all examples."""
    settings = settings or ClassifierSettings()
    cascade = _new_cascade(settings, embedder, light_embedder)
    models = [m for m in (cascade.full, cascade.fast, cascade.words) if m is not None]
    step, steps = "Training the intent classifier", len(models) + 1
    report_progress(step, 0, steps)
    if cascade.full.can_hold_out(labels):
        cascade.confidence, cascade.words_confidence = _choose_confidences(
            _new_cascade(settings, embedder, light_embedder), texts, labels
        )
    report_progress(step, 1, steps)
    for done, model in enumerate(models, start=2):
        model.fit(texts, labels)
        report_progress(step, done, steps)
    cascade.compact()
    return cascade


def _new_cascade(
    settings: ClassifierSettings, embedder: Embedder, light_embedder: Embedder | None
) -> CascadeClassifier:
    full = IntentClassifier(settings)
    words = IntentClassifier(replace(settings, use_embeddings=False, light_embedding_weight=0))
    if light_embedder is None or settings.fast_path_light_weight == 0:
        cascade = CascadeClassifier(words, full)  # the fast model is the n-grams alone
    else:
        fast_settings = replace(
            settings, use_embeddings=False, light_embedding_weight=settings.fast_path_light_weight
        )
        cascade = CascadeClassifier(IntentClassifier(fast_settings), full, words=words)
    cascade.attach(embedder, light_embedder)
    return cascade


def _choose_confidences(
    cascade: CascadeClassifier, texts: Sequence[str], labels: Sequence[str]
) -> tuple[float, float]:
    """Fits the cascade's models on part of the data; each fast path's confidence comes from
    the rest."""
    fit_texts, fit_labels, (held_texts, held_labels) = cascade.full.hold_out(texts, labels)
    cascade.full.fit(fit_texts, fit_labels)
    full = _answers(cascade.full.predict(held_texts))
    truth = np.array(held_labels)
    chosen = []
    for model in (cascade.fast, cascade.words):
        if model is None:
            chosen.append(FAST_PATH_CONFIDENCE)
            continue
        model.fit(fit_texts, fit_labels)
        chosen.append(_lowest_safe_confidence(model.predict(held_texts), full, truth))
    return chosen[0], chosen[1]


def _lowest_safe_confidence(
    fast: list[Prediction], full: npt.NDArray[np.str_], truth: npt.NDArray[np.str_]
) -> float:
    full_accuracy = float((full == truth).mean())
    fast_answers = _answers(fast)
    chosen = _NEVER
    for confidence in _CANDIDATE_CONFIDENCES:
        taken = np.array([_sure(p, confidence, frozenset()) for p in fast])
        if float((np.where(taken, fast_answers, full) == truth).mean()) < full_accuracy:
            break
        chosen = confidence
    return chosen


def _answers(predictions: list[Prediction]) -> npt.NDArray[np.str_]:
    return np.array([p.intent or OUT_OF_SCOPE for p in predictions])
