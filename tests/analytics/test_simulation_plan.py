"""The simulator's pure parts: the planned week, agents' shifts and the re-timing of events."""

from __future__ import annotations

import random
from collections import Counter
from datetime import UTC, date, datetime, timedelta

import pytest

from relaydesk.packs.paylater.personas import PAYLATER_PERSONAS as BOOK
from relaydesk.packs.paylater.simulation import seeded_customer_ref
from relaydesk.simulation.plan import plan_visits
from relaydesk.simulation.retime import simulated_time
from relaydesk.simulation.staffing import AgentPool, next_on_shift

END = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)


def test_visits_spread_over_the_days_before_the_end_in_arrival_order() -> None:
    visits = plan_visits(500, 7, END, BOOK, seed=1)
    arrivals = [visit.arrives for visit in visits]
    assert arrivals == sorted(arrivals)
    assert END - timedelta(days=7) <= arrivals[0] and arrivals[-1] < END
    assert len({arrival.date() for arrival in arrivals}) >= 7


def test_the_same_seed_plans_the_same_week() -> None:
    assert plan_visits(50, 7, END, BOOK, seed=4) == plan_visits(50, 7, END, BOOK, seed=4)
    assert plan_visits(50, 7, END, BOOK, seed=4) != plan_visits(50, 7, END, BOOK, seed=5)


def test_the_plan_mixes_languages_personas_and_returning_customers() -> None:
    visits = plan_visits(1000, 7, END, BOOK, seed=2, approval_refs=["ORD-1"] * 1000)
    languages = Counter(visit.script.language for visit in visits)
    personas = Counter(visit.script.persona for visit in visits)
    assert len(languages) >= 6
    assert set(personas) == set(BOOK.personas)
    assert any(visit.returning for visit in visits)
    refunds = [v for v in visits if v.script.needs_approval]
    assert all("ORD-1" in v.script.messages[0] for v in refunds)


def test_without_a_large_order_nobody_asks_for_a_refund_approval() -> None:
    visits = plan_visits(300, 7, END, BOOK, seed=2)
    assert not [v for v in visits if v.script.needs_approval]


def test_customers_map_onto_the_seeded_backend_customers() -> None:
    planned = plan_visits(
        30, 7, END, BOOK, backend_customers=10, seeded_customer=seeded_customer_ref
    )
    refs = {visit.customer_ref for visit in planned}
    assert refs == {f"cust-{n:05d}" for n in range(1, 11)}


def test_a_conversation_queued_at_night_waits_for_the_morning_shift() -> None:
    night = datetime(2026, 11, 20, 3, 0)
    assert next_on_shift(night, (7, 15)) == datetime(2026, 11, 20, 7, 0)
    assert next_on_shift(night, (23, 31)) == night
    late = datetime(2026, 11, 20, 16, 0)
    assert next_on_shift(late, (7, 15)) == datetime(2026, 11, 21, 7, 0)


def test_an_agent_at_capacity_is_not_given_a_fourth_conversation_at_once() -> None:
    pool = AgentPool(agents=1, capacity=3, rng=random.Random(1))
    pool.shifts = [(0, 24)]
    queued = datetime(2026, 11, 20, 10, 0, tzinfo=UTC)
    pickups = [pool.pick_up(queued) for _ in range(4)]
    first_three_end = min(p.claim_at + p.handle for p in pickups[:3])
    assert pickups[3].claim_at >= first_three_end


def test_retiming_keeps_durations_inside_a_call_and_replaces_the_gaps_between_calls() -> None:
    real = datetime(2026, 11, 23, 18, 0, tzinfo=UTC)
    simulated = datetime(2026, 11, 17, 9, 0, tzinfo=UTC)
    anchors = [
        (real, simulated),
        (real + timedelta(seconds=1), simulated + timedelta(minutes=5)),
    ]
    turn_ms = timedelta(milliseconds=80)
    assert simulated_time(anchors, real + turn_ms) == simulated + turn_ms
    second_call = real + timedelta(seconds=1) + turn_ms
    assert simulated_time(anchors, second_call) == simulated + timedelta(minutes=5) + turn_ms
    naive = (real + turn_ms).replace(tzinfo=None)  # as SQLite hands it back
    assert simulated_time(anchors, naive) == simulated + turn_ms


def test_arrivals_follow_the_hour_of_day_profile_whatever_time_the_week_ends() -> None:
    visits = plan_visits(2000, 7, END.replace(hour=16, minute=20), BOOK, seed=3)
    hours = Counter(visit.arrives.hour for visit in visits)
    assert hours[11] > 4 * hours[3]
    assert hours[20] > 4 * hours[2]


@pytest.mark.parametrize("hour, minute", [(0, 5), (12, 0), (23, 55)])
def test_an_injected_spike_lands_on_the_last_whole_day_and_unanswered_questions_spread_out(
    hour: int, minute: int
) -> None:
    end = datetime(2026, 11, 30, hour, minute, tzinfo=UTC)
    visits = plan_visits(20, 7, end, BOOK, seed=5, spike=9, unanswered=4)
    burst = [v for v in visits if v.script.persona == "spike"]
    asked = [v for v in visits if v.script.persona == "unanswered"]
    # One calendar day, whatever the time: reports count per day.
    assert len(burst) == 9 and {v.arrives.date() for v in burst} == {date(2026, 11, 29)}
    assert len(asked) == 4 and all(end - timedelta(days=7) <= v.arrives < end for v in asked)
    assert len({v.number for v in visits}) == len({(v.number, v.returning) for v in visits})


def test_a_language_without_a_personas_phrases_speaks_english_and_its_agent_too() -> None:
    visits = plan_visits(400, 7, END, BOOK, seed=6)
    for visit in visits:
        script = visit.script
        assert script.agent_reply == BOOK.agent_replies[script.language]
        if script.persona in ("sensitive", "unclear"):  # written in English only
            assert script.language == "en"
