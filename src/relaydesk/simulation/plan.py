"""The simulated week: who arrives when, in which language, wanting what. Pure and seeded."""

from __future__ import annotations

import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from relaydesk.pack import Personas
from relaydesk.simulation.personas import (
    Script,
    choose_language,
    choose_persona,
    script_for,
    spike_script,
    unanswered_script,
)

# Relative traffic per hour of the day (UTC): quiet nights, busy late mornings and evenings.
HOURLY = (
    1, 1, 1, 1, 1, 2, 3, 5, 7, 9, 10, 10, 9, 9, 8, 8, 8, 8, 9, 10, 9, 7, 4, 2,
)  # fmt: skip
CHANNELS = {"web": 70, "app": 30}
RETURN_SHARE = 0.09
RETURN_DAYS = (1, 10)


@dataclass(frozen=True)
class Visit:
    """One conversation a simulated customer starts."""

    number: int
    customer_ref: str
    channel: str
    arrives: datetime
    script: Script
    returning: bool = False


def _arrival(rng: random.Random, start: datetime, end: datetime) -> datetime:
    """A moment in [start, end) with the hour of day (UTC) drawn from the daily profile."""
    midnight = start.replace(hour=0, minute=0, second=0, microsecond=0)
    days = (end - midnight).days + 1
    while True:
        hour = rng.choices(range(24), weights=HOURLY)[0]
        offset = timedelta(days=rng.randrange(days), hours=hour, seconds=rng.uniform(0, 3600))
        if start <= midnight + offset < end:
            return midnight + offset


def numbered_customer(number: int) -> str:
    return f"customer-{number:05d}"


def customer_ref(
    number: int, backend_customers: int, seeded: Callable[[int], str] = numbered_customer
) -> str:
    """The seeded backend customer a simulated customer signs in as (the pack names them)."""
    return seeded((number - 1) % backend_customers + 1)


def plan_visits(
    customers: int,
    days: int,
    end: datetime,
    personas: Personas,
    *,
    seed: int = 7,
    backend_customers: int | None = None,
    approval_refs: Sequence[str | None] = (),
    seeded_customer: Callable[[int], str] = numbered_customer,
    spike: int = 0,
    unanswered: int = 0,
) -> list[Visit]:
    """Every visit of `customers` customers over the `days` before `end`, in arrival order.

    Some customers come back 1-10 days later about the same thing (repeat inquiries); a
    return that would fall after `end` does not happen. `approval_refs[i]` is a reference
    customer i+1 may ask about that needs a person's approval, or None.
    """
    rng = random.Random(seed)
    start = end - timedelta(days=days)
    backend = backend_customers or customers
    visits: list[Visit] = []
    for number in range(1, customers + 1):
        language = choose_language(rng, personas)
        ref = approval_refs[number - 1] if number - 1 < len(approval_refs) else None
        persona = choose_persona(rng, personas, has_reference=ref is not None)
        script = script_for(rng, personas, persona, language, ref)
        channel = rng.choices(list(CHANNELS), weights=list(CHANNELS.values()))[0]
        first = Visit(
            number,
            customer_ref(number, backend, seeded_customer),
            channel,
            _arrival(rng, start, end),
            script,
        )
        visits.append(first)
        if rng.random() < RETURN_SHARE and not script.needs_approval:
            later = first.arrives + timedelta(days=rng.uniform(*RETURN_DAYS))
            if later < end:
                visits.append(replace(first, arrives=later, returning=True))
    injected = _Injected(personas, backend, seeded_customer, spike, unanswered)
    visits += injected.visits(rng, customers, start, end)
    visits.sort(key=lambda visit: visit.arrives)
    return visits


@dataclass(frozen=True)
class _Injected:
    """`spike` extra customers asking about one topic on the last whole (UTC) day, and
    `unanswered` customers over the whole stretch asking what the assistant cannot answer.

    The burst keeps to one calendar day because reports count per day: spread over the
    24 hours before `end` it would straddle midnight and halve itself."""

    personas: Personas
    backend: int
    seeded: Callable[[int], str]
    spike: int
    unanswered: int

    def visits(self, rng: random.Random, after: int, start: datetime, end: datetime) -> list[Visit]:
        extra = []
        last_day = (end - timedelta(days=1)).replace(hour=0, minute=0, second=0, microsecond=0)
        burst_start, burst_end = max(start, last_day), min(end, last_day + timedelta(days=1))
        for offset in range(self.spike + self.unanswered):
            number = after + offset + 1
            burst = offset < self.spike
            arrives = (
                _arrival(rng, burst_start, burst_end) if burst else _arrival(rng, start, end)
            )
            script = (
                spike_script(rng, self.personas)
                if burst
                else unanswered_script(rng, self.personas)
            )
            ref = customer_ref(number, self.backend, self.seeded)
            extra.append(Visit(number, ref, "web", arrives, script))
        return extra
