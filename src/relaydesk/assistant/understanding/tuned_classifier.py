"""An intent classifier that fine-tunes multilingual-e5-small itself: the encoder's layers and
a linear head on its mean-pooled output, trained with cross-entropy (AdamW, linear warm-up and
decay, seeded). Where frozen sentence vectors cannot tell near-duplicate intents apart, moving
the encoder can. Needs the optional `tuning` extra (torch, tokenizers)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import torch
import torch.nn.functional as F
from torch import nn

from relaydesk.assistant.e5_weights import PackedE5
from relaydesk.assistant.understanding.tuned_encoder import E5Encoder, E5Tokenizer

Matrix = npt.NDArray[np.float64]
_PREDICT_BATCH = 128


@dataclass(frozen=True)
class TuningSettings:
    epochs: int = 4
    learning_rate: float = 1e-4  # of the encoder; the new head learns ten times faster
    head_learning_rate_factor: float = 10.0
    batch_size: int = 32
    warmup_share: float = 0.06
    weight_decay: float = 0.01
    max_tokens: int = 64  # intents are short; a longer message keeps its start
    prefix: str = "query: "
    seed: int = 0


class TunedEncoderClassifier:
    """Trained once from labelled texts; `logits` gives one row per text over `classes`."""

    def __init__(self, settings: TuningSettings | None = None, packed: PackedE5 | None = None):
        self.settings = settings or TuningSettings()
        self._packed = packed
        self.classes: list[str] = []
        self._tokenizer: E5Tokenizer | None = None
        self._encoder: E5Encoder | None = None
        self._head: nn.Linear | None = None

    def fit(
        self,
        texts: Sequence[str],
        labels: Sequence[str],
        on_progress: Callable[[str, int, int], None] | None = None,
    ) -> TunedEncoderClassifier:
        settings = self.settings
        torch.manual_seed(settings.seed)
        packed = self._packed or PackedE5()
        self._tokenizer = E5Tokenizer(packed, settings.max_tokens)
        self._encoder = E5Encoder(packed)
        self.classes = sorted(set(labels))
        self._head = nn.Linear(packed.config.hidden, len(self.classes))
        target = torch.tensor([self.classes.index(label) for label in labels])
        batches = _batches(len(texts), settings.batch_size, settings.epochs, settings.seed)
        optimiser, schedule = self._optimiser(len(batches))
        self._encoder.train()
        for step, rows in enumerate(batches, start=1):
            loss = F.cross_entropy(self._forward([texts[i] for i in rows]), target[rows])
            optimiser.zero_grad()
            loss.backward()  # type: ignore[no-untyped-call]
            optimiser.step()
            schedule.step()
            if on_progress is not None:
                on_progress("fine-tuning", step, len(batches))
        self._encoder.eval()
        return self

    def logits(self, texts: Sequence[str]) -> Matrix:
        return self.encode(texts)[1]

    def encode(self, texts: Sequence[str]) -> tuple[Matrix, Matrix]:
        """The encoder's mean-pooled vectors and the head's logits, one row per text."""
        if self._encoder is None or self._head is None:
            raise RuntimeError("The tuned classifier is not trained: call fit() first.")
        pooled, logits = [], []
        with torch.no_grad():
            for start in range(0, len(texts), _PREDICT_BATCH):
                vectors = self._pooled(texts[start : start + _PREDICT_BATCH])
                pooled.append(vectors.double())
                logits.append(self._head(vectors).double())
        if not pooled:
            return np.zeros((0, self._head.in_features)), np.zeros((0, len(self.classes)))
        return torch.cat(pooled).numpy(), torch.cat(logits).numpy()

    def _forward(self, texts: Sequence[str]) -> torch.Tensor:
        assert self._head is not None
        logits: torch.Tensor = self._head(self._pooled(texts))
        return logits

    def _pooled(self, texts: Sequence[str]) -> torch.Tensor:
        assert self._tokenizer is not None and self._encoder is not None
        ids, mask = self._tokenizer.batch([self.settings.prefix + text for text in texts])
        pooled: torch.Tensor = self._encoder(ids, mask)
        return pooled

    def _optimiser(
        self, steps: int
    ) -> tuple[torch.optim.Optimizer, torch.optim.lr_scheduler.LambdaLR]:
        assert self._encoder is not None and self._head is not None
        settings = self.settings
        trainable = [p for p in self._encoder.parameters() if p.requires_grad]
        head_rate = settings.learning_rate * settings.head_learning_rate_factor
        optimiser = torch.optim.AdamW(
            [
                {"params": trainable, "lr": settings.learning_rate},
                {"params": list(self._head.parameters()), "lr": head_rate},
            ],
            weight_decay=settings.weight_decay,
        )
        warmup = max(1.0, settings.warmup_share * steps)

        def rate(step: int) -> float:
            return min(1.0, step / warmup) * max(0.0, (steps - step) / steps)

        return optimiser, torch.optim.lr_scheduler.LambdaLR(optimiser, rate)


def _batches(count: int, size: int, epochs: int, seed: int) -> list[list[int]]:
    """Shuffled mini-batches of row numbers, a new seeded order each epoch."""
    batches = []
    for epoch in range(epochs):
        order = np.random.default_rng(seed + epoch).permutation(count)
        batches += [order[start : start + size].tolist() for start in range(0, count, size)]
    return batches
