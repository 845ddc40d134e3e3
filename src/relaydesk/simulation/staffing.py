"""Simulated agents' time: shifts, capacity and how long they take, on the simulated clock.

The pool decides when (in simulated time) an agent picks a queued conversation up; the
runner then makes that agent claim it through the real API.
"""

from __future__ import annotations

import random
import threading
from dataclasses import dataclass
from datetime import datetime, timedelta

# Shifts in UTC hours [start, end): two day shifts and a thinner night shift.
SHIFTS = ((7, 15), (15, 23), (23, 31))
NIGHT_SHIFT = 2


@dataclass(frozen=True)
class Pickup:
    agent: int
    claim_at: datetime
    handle: timedelta
    slot: int
    was_free_at: datetime


def shift_of(agent: int, agents: int) -> tuple[int, int]:
    """Day shifts get most people; every third agent (at most a quarter) works nights."""
    night_staff = max(1, agents // 4)
    if agent < night_staff:
        return SHIFTS[NIGHT_SHIFT]
    return SHIFTS[agent % 2]


def next_on_shift(moment: datetime, shift: tuple[int, int]) -> datetime:
    """The first moment at or after `moment` inside the daily shift."""
    start_hour, end_hour = shift
    day = moment.replace(hour=0, minute=0, second=0, microsecond=0)
    for offset in (-1, 0, 1):
        begins = day + timedelta(days=offset, hours=start_hour)
        ends = day + timedelta(days=offset, hours=end_hour)
        if moment < ends:
            return max(moment, begins)
    return day + timedelta(days=1, hours=start_hour)


class AgentPool:
    """Agents with shifts and `capacity` parallel conversations each, on the simulated clock."""

    def __init__(self, agents: int, capacity: int, rng: random.Random) -> None:
        self.shifts = [shift_of(index, agents) for index in range(agents)]
        self.slots = [[datetime.min] * capacity for _ in range(agents)]
        self.rng = rng
        self.lock = threading.Lock()

    def handle_time(self) -> timedelta:
        """Lognormal handle time with a median of about 6 minutes."""
        minutes = min(60.0, self.rng.lognormvariate(1.8, 0.5))
        return timedelta(minutes=minutes)

    def pick_up(self, queued_at: datetime) -> Pickup:
        """The earliest free slot of any agent on shift at or after `queued_at`."""
        with self.lock:
            best: tuple[datetime, int, int, int] | None = None
            naive = queued_at.replace(tzinfo=None)
            for agent, slots in enumerate(self.slots):
                for slot, free in enumerate(slots):
                    at = next_on_shift(max(naive, free), self.shifts[agent])
                    # Among equally early agents, the least busy one takes it.
                    busy = sum(other > at for other in slots)
                    if best is None or (at, busy) < best[:2]:
                        best = (at, busy, agent, slot)
            assert best is not None  # there is always at least one agent
            at, _busy, agent, slot = best
            # Noticing a new conversation takes a little while even when idle.
            at += timedelta(seconds=self.rng.uniform(20, 120))
            handle = self.handle_time()
            was_free_at = self.slots[agent][slot]
            self.slots[agent][slot] = at + handle
            return Pickup(agent, at.replace(tzinfo=queued_at.tzinfo), handle, slot, was_free_at)

    def release(self, pickup: Pickup) -> None:
        """The customer left before the agent came: the slot is free again."""
        with self.lock:
            ends = pickup.claim_at.replace(tzinfo=None) + pickup.handle
            if self.slots[pickup.agent][pickup.slot] == ends:
                self.slots[pickup.agent][pickup.slot] = pickup.was_free_at
