"""Train a fresh classifier on one split and measure it on another: accuracy, macro-F1,
out-of-scope recall and precision, calibration and per-message latency."""

from __future__ import annotations

import itertools
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING, Any, Protocol

import numpy as np
from sklearn.metrics import f1_score

from relaydesk.assistant.embeddings import Embedder
from relaydesk.assistant.understanding.classifier import (
    ClassifierSettings,
    IntentClassifier,
    Prediction,
)
from relaydesk.assistant.understanding.datasets import OUT_OF_SCOPE, Example

if TYPE_CHECKING:
    from relaydesk.assistant.understanding.tuned_classifier import TuningSettings

_BATCH = 256


class _Classifier(Protocol):
    threshold: float
    temperature: float

    @property
    def intents(self) -> list[str]: ...

    def attach(self, embedder: Embedder | None, light_embedder: Embedder | None = None) -> None: ...

    def predict(self, texts: Sequence[str]) -> list[Prediction]: ...


@dataclass(frozen=True)
class EvaluationReport:
    train_examples: int
    test_examples: int
    intents: int
    accuracy: float  # out-of-scope counted as one more class
    in_scope_accuracy: float
    macro_f1: float
    out_of_scope_recall: float | None
    out_of_scope_precision: float | None
    expected_calibration_error: float
    threshold: float
    temperature: float
    latency_p50_ms: float
    latency_p99_ms: float
    blend_weight: float | None = None  # of the fine-tuned encoder, when one is blended in

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def evaluate_intents(
    train: Sequence[Example],
    test: Sequence[Example],
    embedder: Embedder,
    *,
    validation: Sequence[Example] | None = None,
    settings: ClassifierSettings | None = None,
    latency_embedders: tuple[Embedder, Embedder | None] | None = None,
    light_embedder: Embedder | None = None,
    latency_samples: int = 200,
    on_progress: Callable[[str, int, int], None] | None = None,
    tuning: TuningSettings | None = None,
) -> EvaluationReport:
    """The embedders may be disk caches; latency is timed with `latency_embedders` (uncached:
    the main and the light one). With `tuning`, the linear model is blended with a fine-tuned
    encoder (blended_classifier.py)."""
    held_out = None if validation is None else ([e.text for e in validation], _labels(validation))
    texts, labels = [e.text for e in train], _labels(train)
    classifier: _Classifier
    if tuning is None:
        linear = IntentClassifier(settings)
        linear.attach(embedder, light_embedder)
        classifier = linear.fit(texts, labels, validation=held_out)
    else:
        blended = _blended(settings, tuning, (embedder, light_embedder))
        classifier = blended.fit(texts, labels, validation=held_out, on_progress=on_progress)
    predicted, confidences, hits = _predict_all(classifier, test, on_progress)
    classifier.attach(*(latency_embedders or (embedder, light_embedder)))
    latencies = _time_single_messages(classifier, test, latency_samples, on_progress)
    classifier.attach(embedder, light_embedder)
    return _report(train, test, classifier, predicted, confidences, hits, latencies)


def _blended(
    settings: ClassifierSettings | None,
    tuning: TuningSettings,
    embedders: tuple[Embedder, Embedder | None],
) -> Any:
    from relaydesk.assistant.understanding.blended_classifier import BlendedClassifier
    from relaydesk.assistant.understanding.tuned_classifier import TunedEncoderClassifier

    blended = BlendedClassifier(IntentClassifier(settings), TunedEncoderClassifier(tuning))
    blended.attach(*embedders)
    return blended


def _labels(examples: Sequence[Example]) -> list[str]:
    return [example.intent for example in examples]


def _predict_all(
    classifier: _Classifier,
    test: Sequence[Example],
    on_progress: Callable[[str, int, int], None] | None,
) -> tuple[list[str], list[float], list[bool]]:
    predicted: list[str] = []
    confidences: list[float] = []
    top: list[str] = []  # the best in-scope intent, even when it falls under the threshold
    for start in range(0, len(test), _BATCH):
        batch = test[start : start + _BATCH]
        for prediction in classifier.predict([e.text for e in batch]):
            predicted.append(prediction.intent or OUT_OF_SCOPE)
            confidences.append(prediction.confidence)
            top.append(prediction.ranked[0][0] if prediction.ranked else OUT_OF_SCOPE)
        if on_progress is not None:
            on_progress("classifying", min(start + _BATCH, len(test)), len(test))
    hits = [intent == example.intent for intent, example in zip(top, test, strict=True)]
    return predicted, confidences, hits


def _time_single_messages(
    classifier: _Classifier,
    test: Sequence[Example],
    samples: int,
    on_progress: Callable[[str, int, int], None] | None,
) -> list[float]:
    step = max(1, len(test) // max(samples, 1))
    chosen = list(test[::step])[:samples]
    latencies = []
    for index, example in enumerate(chosen, start=1):
        started = time.perf_counter()
        classifier.predict([example.text])
        latencies.append((time.perf_counter() - started) * 1000)
        if on_progress is not None:
            on_progress("timing", index, len(chosen))
    return latencies


def _report(
    train: Sequence[Example],
    test: Sequence[Example],
    classifier: _Classifier,
    predicted: list[str],
    confidences: list[float],
    hits: list[bool],
    latencies: list[float],
) -> EvaluationReport:
    truth = np.array(_labels(test))
    guesses = np.array(predicted)
    in_scope = truth != OUT_OF_SCOPE
    has_oos = bool((~in_scope).any())
    flagged = guesses == OUT_OF_SCOPE
    recall = float((flagged & ~in_scope).sum() / max((~in_scope).sum(), 1)) if has_oos else None
    precision = float((flagged & ~in_scope).sum() / max(flagged.sum(), 1)) if has_oos else None
    return EvaluationReport(
        train_examples=len(train),
        test_examples=len(test),
        intents=len(classifier.intents),
        accuracy=_round(float((guesses == truth).mean())),
        in_scope_accuracy=_round(float((guesses[in_scope] == truth[in_scope]).mean())),
        macro_f1=_round(float(f1_score(truth, guesses, average="macro", zero_division=0))),
        out_of_scope_recall=None if recall is None else _round(recall),
        out_of_scope_precision=None if precision is None else _round(precision),
        expected_calibration_error=_round(_calibration_error(confidences, hits, in_scope)),
        threshold=round(classifier.threshold, 3),
        temperature=round(classifier.temperature, 3),
        latency_p50_ms=round(float(np.percentile(latencies, 50)), 2) if latencies else 0.0,
        latency_p99_ms=round(float(np.percentile(latencies, 99)), 2) if latencies else 0.0,
        blend_weight=getattr(classifier, "weight", None),
    )


def _calibration_error(
    confidences: list[float], hits: list[bool], in_scope: np.ndarray[Any, Any], bins: int = 10
) -> float:
    """Expected calibration error of the top intent's probability, on in-scope messages."""
    conf = np.array(confidences)[in_scope]
    correct = np.array(hits)[in_scope]
    if len(conf) == 0:
        return 0.0
    edges = np.linspace(0.0, 1.0, bins + 1)
    error = 0.0
    for low, high in itertools.pairwise(edges):
        inside = (conf > low) & (conf <= high)
        if inside.any():
            error += inside.mean() * abs(conf[inside].mean() - correct[inside].mean())
    return float(error)


def _round(value: float) -> float:
    return round(value, 4)
