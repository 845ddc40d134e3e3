from __future__ import annotations

import pickle
import shutil
from collections.abc import Sequence
from functools import partial
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
import pytest
from scipy import sparse
from sklearn.linear_model import LogisticRegression
from sklearn.svm import LinearSVC

from relaydesk.assistant.understanding.cascade import (
    FAST_PATH_CONFIDENCE,
    CascadeClassifier,
    train_cascade,
)
from relaydesk.assistant.understanding.classifier import (
    ClassifierSettings,
    IntentClassifier,
    linear_scores,
)
from relaydesk.assistant.understanding.datasets import OUT_OF_SCOPE, Example, few_shot
from relaydesk.assistant.understanding.embedding_cache import CachedEmbedder
from relaydesk.assistant.understanding.training import (
    content_hash,
    load_or_train,
    load_pack_examples,
    model_embedders_name,
)
from understanding.understanding_support import PACK_DIR, HashingEmbedder

PAY = ["I want to pay my bill", "pay my instalment now", "how do I pay", "take my payment"]
REFUND = ["where is my refund", "refund not arrived", "when do I get my money back", "refund?"]
ADDRESS = ["change my address", "I moved house", "new home address", "update my address"]
OTHER = ["tell me a joke", "weather tomorrow", "who won the match", "play music"]


def small_training_set() -> tuple[list[str], list[str]]:
    texts = (PAY + REFUND + ADDRESS + OTHER) * 3
    labels = (["pay"] * 4 + ["refund"] * 4 + ["address"] * 4 + [OUT_OF_SCOPE] * 4) * 3
    return texts, labels


def trained(embedder: HashingEmbedder, seed: int = 0) -> IntentClassifier:
    classifier = IntentClassifier(ClassifierSettings(seed=seed))
    classifier.attach(embedder)
    return classifier.fit(*small_training_set())


def test_that_the_classifier_recognises_what_it_was_taught(
    hashing_embedder: HashingEmbedder,
) -> None:
    classifier = trained(hashing_embedder)
    predictions = classifier.predict(["I would like to pay my bill", "my refund has not arrived"])
    assert [p.intent for p in predictions] == ["pay", "refund"]
    assert all(0.0 <= p.confidence <= 1.0 for p in predictions)


def test_that_probabilities_are_over_in_scope_intents_only(
    hashing_embedder: HashingEmbedder,
) -> None:
    classifier = trained(hashing_embedder)
    assert OUT_OF_SCOPE not in classifier.intents
    probabilities = classifier.probabilities(["tell me a joke about the weather"])
    assert probabilities.shape == (1, 3)
    assert probabilities.sum() <= 1.0 + 1e-9


def test_that_training_is_deterministic_for_a_seed(hashing_embedder: HashingEmbedder) -> None:
    first = trained(hashing_embedder).probabilities(["pay refund address"])
    second = trained(HashingEmbedder()).probabilities(["pay refund address"])
    np.testing.assert_allclose(first, second)


def test_that_a_threshold_and_temperature_are_chosen_on_held_out_data(
    hashing_embedder: HashingEmbedder,
) -> None:
    classifier = trained(hashing_embedder)
    assert classifier.temperature > 0
    assert 0.0 <= classifier.threshold < 1.0


def test_that_a_stored_model_leaves_its_embedder_behind(
    hashing_embedder: HashingEmbedder,
) -> None:
    restored = pickle.loads(pickle.dumps(trained(hashing_embedder)))
    with pytest.raises(RuntimeError, match="needs an embedder"):
        restored.predict(["pay"])
    restored.attach(hashing_embedder)
    assert restored.predict(["pay my bill"])[0].intent == "pay"


def test_that_few_shot_keeps_k_examples_per_intent() -> None:
    examples = [Example(f"text {i}", f"intent{i % 3}") for i in range(30)]
    chosen = few_shot(examples, 4)
    assert len(chosen) == 12
    assert few_shot(examples, 4) == chosen


def test_that_cached_embeddings_are_computed_once_and_survive_a_restart(
    tmp_path: Path, hashing_embedder: HashingEmbedder
) -> None:
    progress: list[tuple[int, int]] = []
    cache = CachedEmbedder(hashing_embedder, tmp_path, lambda d, t: progress.append((d, t)))
    first = cache.embed_queries(["a", "b", "a"])
    assert hashing_embedder.embedded == ["a", "b"]
    assert progress[-1] == (2, 2)
    fresh = HashingEmbedder()
    again = CachedEmbedder(fresh, tmp_path).embed_queries(["b", "a"])
    assert fresh.embedded == []
    np.testing.assert_allclose(again, first[[1, 0]])


def test_that_pack_examples_are_read_in_many_languages() -> None:
    examples = load_pack_examples(PACK_DIR)
    human = {e.language for e in examples if e.intent == "talk_to_human"}
    assert len(human) >= 35
    assert any(e.intent == OUT_OF_SCOPE for e in examples)


def test_that_the_content_hash_follows_the_training_data(tmp_path: Path) -> None:
    pack = tmp_path / "pack"
    shutil.copytree(PACK_DIR / "training", pack / "training")
    settings = ClassifierSettings()
    before = content_hash(pack, settings, "e")
    assert content_hash(pack, settings, "e") == before
    assert content_hash(pack, settings, "other-embedder") != before
    (pack / "training" / "extra.yaml").write_text("intent: thanks\nexamples:\n  en: [ta]\n")
    assert content_hash(pack, settings, "e") != before


def test_that_a_trained_pack_model_is_loaded_from_cache_the_second_time(
    tmp_path: Path,
) -> None:
    pack = tmp_path / "pack"
    (pack / "training").mkdir(parents=True)
    (pack / "training" / "intents.yaml").write_text(
        "intents:\n"
        "  pay: {en: [pay my bill, pay now, I want to pay, pay the instalment]}\n"
        "  refund: {en: [where is my refund, refund missing, money back, refund status]}\n"
        "  out_of_scope: {en: [tell a joke, weather today, football, music please]}\n"
    )
    trainer = HashingEmbedder()
    _, path = load_or_train(pack, tmp_path / "cache", trainer, trainer.name)
    assert trainer.embedded and path.exists()
    reader = HashingEmbedder()
    classifier, same_path = load_or_train(pack, tmp_path / "cache", reader, reader.name)
    assert same_path == path
    assert reader.embedded == []  # nothing was trained again
    assert classifier.predict(["pay my bill please"])[0].intent == "pay"


def test_that_the_fast_path_answers_a_person_only_when_the_caller_confirms_it(
    hashing_embedder: HashingEmbedder,
) -> None:
    texts, labels = small_training_set()
    texts += ["I want a human agent", "talk to a person", "human please", "real agent"] * 3
    labels += ["talk_to_human"] * 12
    cascade = train_cascade(texts, labels, hashing_embedder)
    hashing_embedder.embedded.clear()
    cascade.confidence = 0.0
    assert cascade.predict(["I want to pay my bill"])[0].intent == "pay"
    assert hashing_embedder.embedded == []  # answered from n-grams alone
    assert cascade.predict(["human please"])[0].intent == "talk_to_human"
    assert hashing_embedder.embedded == ["human please"]  # the full model decided
    hashing_embedder.embedded.clear()
    confirmed = cascade.predict(["human please"], confirmed={"talk_to_human"})
    assert confirmed[0].intent == "talk_to_human"
    assert hashing_embedder.embedded == []
    cascade.confidence = 1.01
    cascade.predict(["I want to pay my bill"])
    assert "I want to pay my bill" in hashing_embedder.embedded


def test_that_the_cascades_models_share_their_vectorizers_and_keep_float32_weights() -> None:
    texts, labels = small_training_set()
    e5, light = HashingEmbedder(), HashingEmbedder(dim=32)
    settings = ClassifierSettings(light_embedding_weight=2.0)
    cascade = train_cascade(texts, labels, e5, settings, light_embedder=light)
    assert cascade.words is not None
    for model in (cascade.fast, cascade.words):
        assert model.ngram_vectorizers == cascade.full.ngram_vectorizers  # the same objects
    restored = pickle.loads(pickle.dumps(cascade))
    assert restored.fast.ngram_vectorizers[1] is restored.full.ngram_vectorizers[1]
    for model in (restored.fast, restored.full):
        assert model._model.coef_.dtype == np.float32
        assert model._model.coef_.T.flags.c_contiguous  # what a prediction multiplies by
    restored.attach(e5, light)
    asked = ["I want to pay my bill", "where is my refund"]
    assert [p.intent for p in restored.predict(asked)] == [p.intent for p in cascade.predict(asked)]
    cascade.fast.fit(texts[1:], labels[1:])  # fitted again: vectorizers of its own
    assert cascade.fast.ngram_vectorizers[0] is not cascade.full.ngram_vectorizers[0]


def cascade_with_light_embedder() -> tuple[CascadeClassifier, HashingEmbedder, HashingEmbedder]:
    """A cascade trained on the small set, and its e5 and light embedders, nothing embedded
    since training."""
    texts, labels = small_training_set()
    e5, light = HashingEmbedder(), HashingEmbedder(dim=32)
    cascade = train_cascade(
        texts, labels, e5, ClassifierSettings(light_embedding_weight=2.0), light_embedder=light
    )
    e5.embedded.clear()
    light.embedded.clear()
    return cascade, e5, light


def test_that_the_light_embedder_alone_serves_the_fast_path() -> None:
    cascade, e5, light = cascade_with_light_embedder()
    cascade.words_confidence = 1.01  # the n-gram model is never sure enough
    cascade.confidence = 0.0
    assert cascade.predict(["I want to pay my bill"])[0].intent == "pay"
    assert e5.embedded == []
    assert light.embedded == ["I want to pay my bill"]
    cascade.confidence = 1.01
    cascade.predict(["where is my refund"])
    assert e5.embedded == ["where is my refund"]  # the full model reads both vectors
    assert light.embedded.count("where is my refund") == 2


def test_that_a_message_clear_from_its_words_needs_no_sentence_vector() -> None:
    cascade, e5, light = cascade_with_light_embedder()
    cascade.words_confidence = 0.0
    cascade.confidence = 1.01
    answers = cascade.predict(["I want to pay my bill", "where is my refund"])
    assert [answer.intent for answer in answers] == ["pay", "refund"]
    assert (e5.embedded, light.embedded) == ([], [])
    cascade.words_confidence = 1.01  # unsure: the light embedder's model, then the full one
    cascade.predict(["I want to pay my bill"])
    assert light.embedded.count("I want to pay my bill") == 2
    assert e5.embedded == ["I want to pay my bill"]


def test_that_a_stored_model_leaves_its_light_embedder_behind() -> None:
    texts, labels = small_training_set()
    classifier = IntentClassifier(ClassifierSettings(light_embedding_weight=2.0))
    classifier.attach(HashingEmbedder(), HashingEmbedder(dim=32))
    restored = pickle.loads(pickle.dumps(classifier.fit(texts, labels)))
    restored.attach(HashingEmbedder())
    with pytest.raises(RuntimeError, match="light embedder"):
        restored.predict(["pay"])


def test_that_a_model_trained_with_a_light_embedder_has_its_own_cache_key(
    tmp_path: Path,
) -> None:
    e5, light = HashingEmbedder(), HashingEmbedder(dim=32)
    light.name = "light-test-embedder"
    with_light = model_embedders_name(e5, light)
    assert with_light != model_embedders_name(e5, None)
    settings = ClassifierSettings()
    assert content_hash(PACK_DIR, settings, with_light) != content_hash(
        PACK_DIR, settings, model_embedders_name(e5, None)
    )


def test_that_the_light_fast_path_answers_only_in_the_light_embedders_languages() -> None:
    texts, labels = small_training_set()
    e5, light = HashingEmbedder(), HashingEmbedder(dim=32)
    light.languages = frozenset({"en"})  # what UseEmbedder declares: its training languages
    cascade = train_cascade(texts, labels, e5, light_embedder=light)
    cascade.confidence, cascade.words_confidence = 0.0, 1.01
    e5.embedded.clear()
    light.embedded.clear()
    cascade.predict(["I want to pay my bill"], language="en")
    assert (e5.embedded, light.embedded) == ([], ["I want to pay my bill"])
    cascade.predict(["I want to pay my bill"], language="sv")
    assert e5.embedded == ["I want to pay my bill"]  # the n-gram path was not sure
    cascade.words_confidence = 0.0
    e5.embedded.clear()
    light.embedded.clear()
    assert cascade.predict(["I want to pay my bill"], language="sv")[0].intent == "pay"
    assert (e5.embedded, light.embedded) == ([], [])  # n-grams alone answered


def test_that_the_fast_path_confidence_is_chosen_on_held_out_examples() -> None:
    texts, labels = small_training_set()
    e5, light = HashingEmbedder(), HashingEmbedder(dim=32)
    cascade = train_cascade(texts * 2, labels * 2, e5, light_embedder=light)
    assert cascade.confidence != FAST_PATH_CONFIDENCE
    assert 0.5 <= cascade.confidence <= 1.01


def test_that_made_up_words_are_left_to_the_full_model() -> None:
    texts, labels = small_training_set()
    e5, light = HashingEmbedder(), HashingEmbedder(dim=32)
    cascade = train_cascade(texts * 2, labels * 2, e5, light_embedder=light)
    cascade.confidence = 0.0
    e5.embedded.clear()
    cascade.predict(["I want to pay my bill"])  # a training sentence: as familiar as can be
    assert e5.embedded == []
    cascade.predict(["blorp fizzle wug"])
    assert e5.embedded == ["blorp fizzle wug"]



class NotFiniteEmbedder(HashingEmbedder):
    """A broken model: its vectors hold NaN."""

    def embed_queries(self, texts: Sequence[str]) -> npt.NDArray[np.float32]:
        vectors = super().embed_queries(texts).copy()
        vectors[:, 0] = np.nan
        return vectors


def test_that_an_embedder_returning_a_vector_that_is_not_finite_is_an_error(
    hashing_embedder: HashingEmbedder,
) -> None:
    classifier = trained(hashing_embedder)
    assert classifier.predict(["I would like to pay my bill"])[0].intent == "pay"
    classifier.attach(NotFiniteEmbedder())
    with pytest.raises(ValueError, match="not finite"):
        classifier.predict(["I would like to pay my bill"])


@pytest.mark.parametrize("classes", [2, 5])
@pytest.mark.parametrize("model", [LogisticRegression, LinearSVC])
def test_linear_scores_are_the_models_decision_function(model: Any, classes: int) -> None:
    rng = np.random.default_rng(7)
    features = sparse.random(60, 40, density=0.2, format="csr", random_state=7)
    labels = [f"intent_{i % classes}" for i in range(60)]
    fitted = model().fit(features, labels)
    asked = sparse.random(9, 40, density=0.3, format="csr", random_state=rng.integers(99))
    expected = fitted.decision_function(asked)
    np.testing.assert_allclose(linear_scores(fitted, [asked]), expected)
    np.testing.assert_allclose(linear_scores(fitted, [asked[:2]]), expected[:2])  # one by one
    sides = [asked[:, :25], asked[:, 25:].toarray()]  # sparse and dense blocks side by side
    np.testing.assert_allclose(linear_scores(fitted, sides), expected)
    np.testing.assert_allclose(linear_scores(fitted, [asked[:2].tocsc()]), expected[:2])
    fitted.coef_ = np.ascontiguousarray(fitted.coef_.T, dtype=np.float32).T  # as kept
    close = partial(np.testing.assert_allclose, rtol=1e-5, atol=1e-6)  # single precision
    close(linear_scores(fitted, [asked]), expected)
    close(linear_scores(fitted, [asked[:2]]), expected[:2])
    with pytest.raises(ValueError, match="25 features given to a model of 40"):
        linear_scores(fitted, [asked[:, :25]])
