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
    return sum(cpu_by_process(pids).values())


def cpu_by_process(pids: Sequence[int]) -> dict[int, float]:
    """CPU seconds so far of each of the processes and their descendants."""
    found = {}
    for pid in process_tree(pids):
        try:
            found[pid] = cpu_seconds_from_stat(Path(f"/proc/{pid}/stat").read_text())
        except (FileNotFoundError, ProcessLookupError):
            continue  # ended meanwhile
    return found


def cpu_shares(before: dict[int, float], after: dict[int, float]) -> str:
    """Each process's share of the CPU spent between the two readings (how evenly workers
    shared the load), e.g. "4711 49 %, 4712 51 %"; processes that spent under 1 % left out."""
    spent = {pid: after[pid] - before.get(pid, 0.0) for pid in after}
    total = sum(spent.values())
    if total <= 0:
        return "no CPU spent"
    shares = {pid: 100 * seconds / total for pid, seconds in spent.items()}
    return ", ".join(f"{pid} {share:.0f} %" for pid, share in sorted(shares.items()) if share >= 1)


def memory_report(pids: Sequence[int]) -> list[str]:
    lines = []
    for pid in process_tree(pids):
        status = Path(f"/proc/{pid}/status").read_text()
        name = Path(f"/proc/{pid}/cmdline").read_text().replace("\0", " ")[:60]
        rss = resident_bytes_from_status(status) / 2**20
        lines.append(f"  pid {pid:7d}  RSS {rss:6.0f} MB  {name}")
    return lines


def cpu_of_named(names: Sequence[str]) -> dict[str, float]:
    """CPU seconds so far of every process with one of these names (as /proc/<pid>/comm
    gives it), summed by name: the database and Redis beside the server under load. A
    connection's backend that ended meanwhile is missed, so only a run in which the
    server's pool keeps its connections reads right."""
    stats = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stats.append((entry / "stat").read_text())
            except (FileNotFoundError, ProcessLookupError, PermissionError):
                continue  # ended meanwhile
    return cpu_by_name(stats, names)


def cpu_by_name(stats: Sequence[str], names: Sequence[str]) -> dict[str, float]:
    """CPU seconds summed by process name from /proc/<pid>/stat lines, for the given names."""
    found = dict.fromkeys(names, 0.0)
    for stat in stats:
        name = stat[stat.index("(") + 1 : stat.rindex(")")]
        if name in found:
            found[name] += cpu_seconds_from_stat(stat)
    return found
