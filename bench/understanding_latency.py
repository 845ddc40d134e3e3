"""Latency of Understander.understand() for one message on one core, all steps included.

    .venv/bin/python bench/understanding_latency.py [--rounds 3] [--cache-dir var/cache]

Pins the process to one CPU and one thread, loads (or trains) the demo pack's model, then
times understand() on every message of the multilingual test set, one message at a time:
once as configured, once with the fast paths switched off (every message through e5), so the
two can be compared as a ratio measured in the same run.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

for variable in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[variable] = "1"  # before numpy loads: one core means one thread

import numpy as np  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from relaydesk.assistant.understanding import Understander, load_understander  # noqa: E402
from relaydesk.assistant.understanding.datasets import load_examples_yaml  # noqa: E402
from relaydesk.assistant.understanding.entities import extract_entities  # noqa: E402
from relaydesk.assistant.understanding.frustration import frustration_score  # noqa: E402
from relaydesk.assistant.understanding.human_request import asks_for_human  # noqa: E402
from relaydesk.assistant.understanding.language import Cld2LanguageIdentifier  # noqa: E402

PACK = ROOT / "src" / "relaydesk" / "packs" / "paylater"
TEST_SET = ROOT / "tests" / "understanding" / "multilingual_test.yaml"


def percentiles(samples: list[float]) -> str:
    p50, p95, p99 = np.percentile(samples, [50, 95, 99])
    return f"p50 {p50:6.2f}  p95 {p95:6.2f}  p99 {p99:6.2f}  max {max(samples):7.2f} ms"


def timed(
    step: Callable[[str, str], object], messages: list[tuple[str, str]]
) -> tuple[list[float], list[float]]:
    """Wall-clock and CPU milliseconds per message; on a busy machine the CPU time is what
    the same call costs on an idle core."""
    wall, cpu = [], []
    for text, language in messages:
        wall_start, cpu_start = time.perf_counter(), time.process_time()
        step(text, language)
        cpu.append((time.process_time() - cpu_start) * 1000)
        wall.append((time.perf_counter() - wall_start) * 1000)
    return wall, cpu


@contextmanager
def without_fast_paths(understander: Understander) -> Iterator[None]:
    cascade = understander.classifier
    saved = cascade.confidence, cascade.words_confidence
    cascade.confidence = cascade.words_confidence = 1.01  # above any probability
    try:
        yield
    finally:
        cascade.confidence, cascade.words_confidence = saved


def report(name: str, step: Callable[[str, str], object], messages: list[tuple[str, str]]) -> float:
    """Prints the step's percentiles; returns its CPU median."""
    wall, cpu = timed(step, messages)
    print(f"{name:34s} cpu  {percentiles(cpu)}")
    print(f"{'':34s} wall {percentiles(wall)}")
    return float(np.median(cpu))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--cache-dir", type=Path, default=ROOT / "var" / "cache")
    parser.add_argument("--languages", help="only these test-set languages, e.g. en,sv")
    arguments = parser.parse_args()
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})

    understander = load_understander(PACK, arguments.cache_dir)
    languages = Cld2LanguageIdentifier()
    wanted = set(arguments.languages.split(",")) if arguments.languages else None
    examples = [e for e in load_examples_yaml(TEST_SET) if wanted is None or e.language in wanted]
    messages = [(e.text, e.language) for e in examples] * arguments.rounds
    steps: dict[str, Callable[[str, str], object]] = {
        "understand() end to end": lambda t, lang: understander.understand(t, lang),
        "  language (cld2)": lambda t, lang: languages.identify(t, lang),
        "  entities (regex + dateparser)": lambda t, lang: extract_entities(t, lang),
        "  frustration + ask for a person": lambda t, _: (frustration_score(t), asks_for_human(t)),
    }
    understander.classifier.fast_answers = 0  # count only the timed calls
    print(f"{len(messages)} messages, one CPU, one thread; load average {os.getloadavg()[0]:.1f}")
    medians = {name: report(name, step, messages) for name, step in steps.items()}
    fast = understander.classifier.fast_answers / len(messages)
    end_to_end = steps["understand() end to end"]
    with without_fast_paths(understander):
        slow = report("understand() without fast paths", end_to_end, messages)
    print(f"answered by a fast path, without e5: {fast:.0%}")
    ratio = medians["understand() end to end"] / slow
    print(f"CPU median with / without the fast paths: {ratio:.2f}")


if __name__ == "__main__":
    main()
