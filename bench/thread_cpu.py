"""CPU per thread of a running process, over a window: which thread is busy, which waits.

Usage (Linux; a server under load from bench/load.py, its pid from `pgrep -f "relaydesk serve"`):

  .venv/bin/python bench/thread_cpu.py PID --seconds 10

Prints each thread's share of one core over the window (user + system time from
/proc/PID/task/TID/stat), busiest first, and the process's total. A server whose event
loop thread is far from a whole core while turns queue is not limited by that thread.
"""

from __future__ import annotations

import argparse
import os
import time
from pathlib import Path

TICKS = os.sysconf("SC_CLK_TCK")


def thread_ticks(pid: int) -> dict[int, tuple[str, int]]:
    """Every thread's name and CPU ticks so far (user + system)."""
    found: dict[int, tuple[str, int]] = {}
    for task in Path(f"/proc/{pid}/task").iterdir():
        try:
            stat = (task / "stat").read_text()
            name = (task / "comm").read_text().strip()
        except FileNotFoundError:  # the thread ended meanwhile
            continue
        fields = stat[stat.rindex(")") + 2 :].split()  # after "pid (comm) "
        found[int(task.name)] = (name, int(fields[11]) + int(fields[12]))
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("pid", type=int)
    parser.add_argument("--seconds", type=float, default=10.0)
    args = parser.parse_args()
    before = thread_ticks(args.pid)
    time.sleep(args.seconds)
    after = thread_ticks(args.pid)
    shares = []
    for tid, (name, ticks) in after.items():
        used = ticks - before.get(tid, (name, 0))[1]
        role = "main" if tid == args.pid else name
        shares.append((used / TICKS / args.seconds, tid, role))
    shares.sort(reverse=True)
    for share, tid, role in shares:
        if share >= 0.005:
            print(f"{tid:>8}  {role:<16} {share:6.1%} of a core")
    print(f"{'total':>8}  {'':<16} {sum(share for share, *_ in shares):6.1%} of a core")


if __name__ == "__main__":
    main()
