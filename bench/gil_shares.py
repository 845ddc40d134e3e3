"""Shares of a py-spy profile: how much of the samples pass through each function.

Usage: py-spy record -p PID -f raw -d 20 -r 200 --gil -o stacks.txt
       .venv/bin/python bench/gil_shares.py stacks.txt [--under NAME] [--top 40]

With `--gil` py-spy samples only the thread holding the interpreter, so a share is the part
of the interpreter's time spent in (or under) a function. Without `--under`, prints the
functions with the largest inclusive shares and the largest leaf shares; with it, only the
samples whose stack passes through a frame containing NAME, and what sits right below it.
"""

from __future__ import annotations

import argparse
import re
from collections import Counter
from pathlib import Path

_FRAME = re.compile(r"(?P<name>.*?) \((?P<path>.*?):\d+\)")


def function(frame: str) -> str:
    """`name (path:line)` as `name file`, the line dropped so a function counts once."""
    match = _FRAME.match(frame)
    if match is None:
        return frame
    return f"{match['name']} {match['path'].split('site-packages/')[-1]}"


def read_stacks(path: Path) -> list[tuple[list[str], int]]:
    stacks = []
    for line in path.read_text().splitlines():
        stack, _, count = line.rpartition(" ")
        if stack:
            stacks.append((stack.split(";"), int(count)))
    return stacks


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("stacks", type=Path)
    parser.add_argument("--under")
    parser.add_argument("--top", type=int, default=40)
    args = parser.parse_args()
    stacks = read_stacks(args.stacks)
    total = sum(count for _, count in stacks)
    inclusive: Counter[str] = Counter()
    leaf: Counter[str] = Counter()
    for frames, count in stacks:
        if args.under is not None:
            at = next((i for i, f in enumerate(frames) if args.under in f), None)
            if at is None:
                continue
            below = frames[at + 1] if at + 1 < len(frames) else "(itself)"
            inclusive[function(below)] += count
            continue
        for name in dict.fromkeys(function(frame) for frame in frames):
            inclusive[name] += count
        leaf[function(frames[-1])] += count
    print(f"{total} samples")
    for title, counter in (("inclusive", inclusive), ("leaf", leaf)):
        if counter:
            print(f"--- {title}" if args.under is None else f"--- right under {args.under}")
            for name, count in counter.most_common(args.top):
                print(f"{count / total * 100:5.1f} %  {name}")


if __name__ == "__main__":
    main()
