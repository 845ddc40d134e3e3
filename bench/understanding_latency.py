"""Latency of Understander.understand() for one message on one core, all steps included.

    .venv/bin/python bench/understanding_latency.py [--rounds 3] [--cache-dir var/cache]

Pins the process to one CPU and one thread, loads (or trains) the demo pack's model, then
times understand() on every message of the multilingual test set, one message at a time.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from collections.abc import Callable
from pathlib import Path

for variable in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[variable] = "1"  # before numpy loads: one core means one thread

import numpy as np  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from relaydesk.assistant.understanding import load_understander  # noqa: E402
from relaydesk.assistant.understanding.datasets import load_examples_yaml  # noqa: E402
from relaydesk.assistant.understanding.entities import extract_entities  # noqa: E402
from relaydesk.assistant.understanding.frustration import frustration_score  # noqa: E402
from relaydesk.assistant.understanding.human_request import asks_for_human  # noqa: E402
from relaydesk.assistant.understanding.language import Cld2LanguageIdentifier  # noqa: E402

PACK = ROOT / "src" / "relaydesk" / "packs" / "paylater"
TEST_SET = ROOT / "tests" / "understanding" / "multilingual_test.yaml"


def percentiles(samples: list[float]) -> str:
    p50, p95, p99 = np.percentile(samples, [50, 95, 99])
    return f"p50 {p50:6.2f} ms   p95 {p95:6.2f} ms   p99 {p99:6.2f} ms   max {max(samples):6.2f} ms"


def timed(step: Callable[[str, str], object], messages: list[tuple[str, str]]) -> list[float]:
    samples = []
    for text, language in messages:
        started = time.perf_counter()
        step(text, language)
        samples.append((time.perf_counter() - started) * 1000)
    return samples


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--cache-dir", type=Path, default=ROOT / "var" / "cache")
    arguments = parser.parse_args()
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})

    understander = load_understander(PACK, arguments.cache_dir)
    languages = Cld2LanguageIdentifier()
    messages = [(e.text, e.language) for e in load_examples_yaml(TEST_SET)] * arguments.rounds
    steps: dict[str, Callable[[str, str], object]] = {
        "understand() end to end": lambda t, lang: understander.understand(t, lang),
        "  language (cld2)": lambda t, lang: languages.identify(t, lang),
        "  entities (regex + dateparser)": lambda t, lang: extract_entities(t, lang),
        "  frustration + ask for a person": lambda t, _: (frustration_score(t), asks_for_human(t)),
    }
    print(f"{len(messages)} messages, one CPU, one thread")
    for name, step in steps.items():
        print(f"{name:36s} {percentiles(timed(step, messages))}")


if __name__ == "__main__":
    main()
