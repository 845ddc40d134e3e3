"""Turn slots: how many customer turns run at once in one server process.

A turn holds the interpreter lock for most of its work (understanding, the decision, the
store's Python), and one process runs one thread's Python at a time. With every
customer's turn running at once, their threads queued for that lock, and one holding
SQLite's write lock queued too, so every writer waited behind others' understanding. A
few slots make the other turns wait outside, where waiting costs nothing. A turn gives
its slot back while it waits on the network (a model server, a slow pack backend), so a
slow remote call never stops the rest.
"""

from __future__ import annotations

import threading
from collections import deque
from collections.abc import Iterator
from contextlib import contextmanager

_held = threading.local()  # .slots: the TurnSlots whose slot this thread holds, if any


class TurnSlots:
    """At most `size` turns at once; 0 lets every turn run. Re-entrant within a thread.

    Slots go in order of asking, and a turn taking its slot again after a network wait goes
    before turns not yet begun: finishing begun turns first keeps the slowest ones short.
    A freed slot passes straight to the next in line, so no newcomer slips in between.
    """

    def __init__(self, size: int = 0) -> None:
        if size < 0:
            raise ValueError("Turn slots must be 0 (no limit) or more.")
        self.size = size
        self._free = size
        self._lock = threading.Lock()
        self._resuming: deque[threading.Lock] = deque()  # begun turns, back from a wait
        self._beginning: deque[threading.Lock] = deque()

    @property
    def waiting(self) -> int:
        """Turns waiting for a slot now."""
        with self._lock:
            return len(self._resuming) + len(self._beginning)

    @contextmanager
    def taken(self) -> Iterator[None]:
        """Run the block in a slot, waiting for one; inside a turn's slot, in that one."""
        if not self.size or getattr(_held, "slots", None) is not None:
            yield
            return
        self._take(self._beginning)
        _held.slots = self
        try:
            yield
        finally:
            _held.slots = None
            self._give()

    def _take(self, line: deque[threading.Lock]) -> None:
        with self._lock:
            if self._free:
                self._free -= 1
                return
            turn = threading.Lock()
            turn.acquire()
            line.append(turn)
        turn.acquire()  # released by _give, which handed this thread its slot

    def _give(self) -> None:
        with self._lock:
            line = self._resuming or self._beginning
            if line:
                line.popleft().release()
            else:
                self._free += 1

    def _give_back(self) -> None:
        _held.slots = None
        self._give()

    def _take_again(self) -> None:
        self._take(self._resuming)
        _held.slots = self


@contextmanager
def slot_given_back() -> Iterator[None]:
    """Wait in the block (on the network) without holding this thread's turn slot, and take
    one again after; without a slot, just the block."""
    slots: TurnSlots | None = getattr(_held, "slots", None)
    if slots is None:
        yield
        return
    slots._give_back()
    try:
        yield
    finally:
        slots._take_again()
