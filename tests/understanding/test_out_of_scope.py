"""Out-of-scope scores: similarity to the nearest training sentences and the threshold."""

from __future__ import annotations

import numpy as np

from relaydesk.assistant.understanding.classifier import ClassifierSettings, IntentClassifier
from relaydesk.assistant.understanding.datasets import OUT_OF_SCOPE
from relaydesk.assistant.understanding.out_of_scope import (
    CombinedScore,
    NeighbourSimilarity,
    best_threshold,
    unit_rows,
)
from understanding.understanding_support import HashingEmbedder


def test_that_neighbour_similarity_is_the_mean_of_the_nearest_training_vectors() -> None:
    training = np.eye(4, dtype=np.float32)
    similarity = NeighbourSimilarity(training, neighbours=2)
    query = np.array([[0.8, 0.6, 0.0, 0.0], [0.0, 0.0, 0.0, 1.0]], dtype=np.float32)
    np.testing.assert_allclose(similarity(query), [0.7, 0.5], atol=1e-6)


def test_that_rows_are_scaled_to_length_one_and_empty_rows_stay_zero() -> None:
    rows = unit_rows(np.array([[3.0, 4.0], [0.0, 0.0]]))
    assert rows.dtype == np.float32
    np.testing.assert_allclose(rows, [[0.6, 0.8], [0.0, 0.0]], atol=1e-7)


def test_that_the_combined_score_puts_each_part_on_the_in_scope_scale() -> None:
    parts = np.array([[0.9, 30.0], [0.7, 10.0], [0.1, -50.0]])
    score = CombinedScore().fit(parts, np.array([True, True, False]))
    np.testing.assert_allclose(score(parts[:2]), [2.0, -2.0])
    assert score(parts[2:])[0] < -10


def test_that_the_threshold_separates_held_out_out_of_scope_messages() -> None:
    scores = np.array([0.9, 0.8, 0.7, 0.2, 0.1])
    labels = ["a", "b", "a", OUT_OF_SCOPE, OUT_OF_SCOPE]
    threshold = best_threshold(scores, ["a", "b", "a", "a", "b"], labels, "accuracy")
    assert 0.2 < threshold <= 0.7
    assert best_threshold(scores, labels, ["a"] * 5, "balanced") == 0.0  # none held out


def test_that_the_recall_objective_keeps_the_best_threshold_reaching_the_recall() -> None:
    scores = np.array([0.9, 0.8, 0.6, 0.5, 0.3, 0.1])
    labels = ["a", "a", OUT_OF_SCOPE, "a", OUT_OF_SCOPE, OUT_OF_SCOPE]
    predicted = ["a"] * 6
    grid = np.array([0.0, 0.2, 0.4, 0.55, 0.7])
    # catching all three costs one in-scope message; two of three costs none
    assert best_threshold(scores, predicted, labels, "recall", grid, target_recall=1.0) == 0.7
    assert best_threshold(scores, predicted, labels, "recall", grid, target_recall=0.6) == 0.4


def test_that_a_message_like_no_training_sentence_is_out_of_scope() -> None:
    pay = ["pay my bill", "I want to pay", "pay the instalment", "how do I pay my bill"]
    refund = ["where is my refund", "refund missing", "my refund please", "refund status"]
    other = ["tell me a joke", "sing a song"]
    texts, labels = pay + refund + other, ["pay"] * 4 + ["refund"] * 4 + [OUT_OF_SCOPE] * 2
    held_out = (
        ["pay my instalment", "refund please", "zebra violin quantum", "purple galaxy oven"],
        ["pay", "refund", OUT_OF_SCOPE, OUT_OF_SCOPE],
    )
    classifier = IntentClassifier(ClassifierSettings(out_of_scope_score="neighbours"))
    classifier.attach(HashingEmbedder())
    classifier.fit(texts * 2, labels * 2, validation=held_out)
    in_scope, unknown = classifier.predict(["pay my bill please", "quantum zebra galaxy"])
    assert in_scope.intent == "pay" and not in_scope.out_of_scope
    assert unknown.out_of_scope
