"""The server's processes as /proc shows them: CPU seconds and resident memory (Linux only)."""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path

CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


def cpu_seconds_from_stat(stat: str, ticks: int = CLOCK_TICKS) -> float:
    """User plus system CPU seconds from a /proc/<pid>/stat line."""
    fields = stat.rsplit(")", 1)[1].split()  # the name in parentheses may hold spaces
    return (int(fields[11]) + int(fields[12])) / ticks  # utime and stime, fields 14 and 15


def resident_bytes_from_status(status: str) -> int:
    """VmRSS from a /proc/<pid>/status text, in bytes."""
    for line in status.splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) * 1024
    return 0


def process_tree(pids: Sequence[int]) -> list[int]:
    """The given processes and all their descendants that are still alive."""
    found: list[int] = []
    pending = list(pids)
    while pending:
        pid = pending.pop()
        if pid in found or not Path(f"/proc/{pid}").exists():
            continue
        found.append(pid)
        for task in Path(f"/proc/{pid}/task").glob("*"):
            children = (
                (task / "children").read_text().split() if (task / "children").exists() else []
            )
            pending.extend(int(child) for child in children)
    return found


def server_cpu_seconds(pids: Sequence[int]) -> float | None:
    if not pids:
        return None
    total = 0.0
    for pid in process_tree(pids):
        try:
            total += cpu_seconds_from_stat(Path(f"/proc/{pid}/stat").read_text())
        except (FileNotFoundError, ProcessLookupError):
            continue  # ended meanwhile
    return total


def memory_report(pids: Sequence[int]) -> list[str]:
    lines = []
    for pid in process_tree(pids):
        status = Path(f"/proc/{pid}/status").read_text()
        name = Path(f"/proc/{pid}/cmdline").read_text().replace("\0", " ")[:60]
        rss = resident_bytes_from_status(status) / 2**20
        lines.append(f"  pid {pid:7d}  RSS {rss:6.0f} MB  {name}")
    return lines
