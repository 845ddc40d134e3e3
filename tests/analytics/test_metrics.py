"""Metrics on constructed histories whose answers are known in advance."""

from __future__ import annotations

from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest

from analytics.histories import DAY0, HistoryBuilder, resolved_by_assistant
from relaydesk.analytics.facts import ConversationHistory, person_first_replies, queue_waits
from relaydesk.analytics.metrics import AgentInfo, build_report
from relaydesk.analytics.report import Report, ReportFilter
from relaydesk.analytics.stats import percentile
from relaydesk.domain.business_hours import OpeningHours, TeamHours
from relaydesk.domain.errors import InvalidInput
from relaydesk.domain.model import Source

WEEK = ReportFilter(since=DAY0 - timedelta(hours=9), until=DAY0 + timedelta(days=7))


def report(*histories: ConversationHistory, wanted: ReportFilter = WEEK) -> Report:
    return build_report(list(histories), wanted, {"agt_1": AgentInfo("Ada", capacity=2)})


def human_handled(conversation_id: str, **options: object) -> HistoryBuilder:
    """Escalated at 10 s, claimed at 70 s, answered at 100 s, handed back at 370 s."""
    return (
        HistoryBuilder(conversation_id, **options)  # type: ignore[arg-type]
        .customer(0)
        .assistant_turn(1)
        .escalate(10)
        .claim(70)
        .agent_reply(100)
        .owner(370, "hand_back")
    )


def test_a_repeat_inquiry_on_day_6_counts_against_the_first_conversation() -> None:
    first = resolved_by_assistant("c1").build()
    again = resolved_by_assistant("c2", start=DAY0 + timedelta(days=6)).build()
    found = report(first, again)
    assert found.value("repeat_inquiry_rate") == 0.5
    assert found.value("assistant_resolved") == 1  # c1 no longer counts as resolved


def test_a_repeat_inquiry_on_day_8_does_not_count() -> None:
    first = resolved_by_assistant("c1").build()
    later = resolved_by_assistant("c2", start=DAY0 + timedelta(days=8)).build()
    wide = ReportFilter(since=WEEK.since, until=DAY0 + timedelta(days=14))
    found = report(first, later, wanted=wide)
    assert found.value("repeat_inquiry_rate") == 0.0
    assert found.value("assistant_resolved") == 2


def test_a_repeat_is_found_past_the_end_of_the_range() -> None:
    inside = resolved_by_assistant("c1", start=DAY0 + timedelta(days=6)).build()
    after_range = resolved_by_assistant("c2", start=DAY0 + timedelta(days=9)).build()
    found = report(inside, after_range)
    assert found.value("conversations") == 1
    assert found.value("repeat_inquiry_rate") == 1.0
    assert found.value("assistant_resolved") == 0


def test_another_intent_or_another_customer_is_not_a_repeat() -> None:
    first = resolved_by_assistant("c1").build()
    other_intent = resolved_by_assistant(
        "c2", start=DAY0 + timedelta(days=1), intent="explain_fee"
    ).build()
    other_customer = resolved_by_assistant("c3", "cus_2", start=DAY0 + timedelta(days=1)).build()
    assert report(first, other_intent, other_customer).value("repeat_inquiry_rate") == 0.0


def test_a_conversation_handed_back_to_the_assistant_counts_as_human_involved() -> None:
    handed_back = human_handled("c1").customer(400).assistant_turn(401).close(420).build()
    found = report(handed_back)
    assert found.value("human_involved") == 1
    assert found.value("assistant_resolved") == 0
    assert found.value("resolution_human_p50_s") == 420
    assert found.value("resolution_assistant_p50_s") is None


def test_resolution_times_are_split_by_who_took_part() -> None:
    quick = resolved_by_assistant("c1").build()  # closes at 60 s
    slow = resolved_by_assistant("c2", "cus_2", intent="explain_fee")
    slow.events[-1] = HistoryBuilder("x").close(300).events[0]
    human = human_handled("c3", customer_id="cus_3").close(900).build()
    found = report(quick, slow.build(), human)
    assert found.value("resolution_assistant_p50_s") == 60
    assert found.value("resolution_assistant_p90_s") == 300
    assert found.value("resolution_human_p50_s") == 900


def test_hand_off_rate_and_reasons_count_each_escalation() -> None:
    self_served = resolved_by_assistant("c1").build()
    frustrated = (
        HistoryBuilder("c2", "cus_2").customer(0).assistant_turn(1).escalate(1, "frustration")
    )
    found = report(
        self_served, frustrated.build(), human_handled("c3", customer_id="cus_3").build()
    )
    assert found.value("handoff_rate") == pytest.approx(2 / 3, abs=0.001)
    reasons = {row[0]: row[1] for row in found.tables["handoff_reasons"].rows}
    assert reasons == {"frustration": 1, "asked_for_human": 1}


def test_queue_wait_handle_time_and_first_response_come_from_the_events() -> None:
    found = report(human_handled("c1").build())
    assert found.value("queue_wait_p50_s") == 60  # escalated at 10 s, claimed at 70 s
    assert found.value("agent_handle_mean_s") == 300  # claimed at 70 s, handed back at 370 s
    assert found.value("first_response_p50_s") == 1


def test_utilisation_is_handle_time_over_capacity_times_working_span() -> None:
    one = human_handled("c1").build()  # held 70 s .. 370 s
    two = (
        HistoryBuilder("c2", "cus_2")
        .customer(0)
        .escalate(1)
        .claim(370)
        .owner(670, "close", disposition="resolved")
        .build()
    )
    # Held 600 s in a working span of 600 s (70 s .. 670 s) with capacity 2: 50 %.
    assert report(one, two).value("agent_utilisation") == 0.5


def test_csat_is_attributed_to_humans_only_after_a_person_held_the_conversation() -> None:
    assistant_rated = resolved_by_assistant("c1").csat(61, 4).build()
    human_rated = human_handled("c2", customer_id="cus_2").close(400).csat(401, 2).build()
    found = report(assistant_rated, human_rated)
    assert found.value("csat_assistant") == 4
    assert found.value("csat_human") == 2
    assert found.tables["csat"].rows[1] == (2, 0, 1)


def test_approval_decision_time_is_from_request_to_decision() -> None:
    history = human_handled("c1").approval(5, "apr_1", "pending").approval(125, "apr_1", "approved")
    found = report(history.approval(200, "apr_2", "pending").build())
    assert found.value("approvals_requested") == 2
    assert found.value("approvals_decided") == 1
    assert found.value("approval_decision_p50_s") == 120


def test_turn_latency_percentiles_use_the_recorded_turn_ms() -> None:
    builder = HistoryBuilder("c1").customer(0)
    for index in range(100):
        builder.assistant_turn(index + 1, turn_ms=float(index + 1))
    found = report(builder.build())
    assert found.value("turn_latency_p50_ms") == 50
    assert found.value("turn_latency_p99_ms") == 99


def test_agent_hours_saved_and_fte_follow_the_documented_formula() -> None:
    resolved = [
        resolved_by_assistant(f"c{n}", f"cus_{n}", start=DAY0 + timedelta(minutes=n)).build()
        for n in range(10)
    ]
    human = (
        HistoryBuilder("h1", "cus_h").customer(0).escalate(1).claim(70).close(670).build()
    )  # held for 600 s
    found = report(*resolved, human)
    # 10 resolved x 10 minutes / 60 = 1.67 h; the range of 7 days 9 h is 40 h x 7.375 / 7.
    assert found.value("agent_hours_saved") == pytest.approx(10 * 10 / 60, abs=0.01)
    fte = (10 * 10 / 60) / (40 * WEEK.days / 7)
    assert found.value("fte_saved") == pytest.approx(fte, abs=0.001)


def test_filters_narrow_by_language_intent_channel_and_date() -> None:
    english = resolved_by_assistant("c1").build()
    swedish = resolved_by_assistant("c2", "cus_2", language="sv-SE", channel="app").build()
    fees = resolved_by_assistant("c3", "cus_3", intent="explain_fee").build()
    outside = resolved_by_assistant("c4", "cus_4", start=DAY0 - timedelta(days=3)).build()
    every = [english, swedish, fees, outside]

    def count(**narrow: str) -> object:
        wanted = ReportFilter(since=WEEK.since, until=WEEK.until, **narrow)
        return build_report(every, wanted).value("conversations")

    assert count() == 3
    assert count(language="sv") == 1
    assert count(channel="app") == 1
    assert count(intent="explain_fee") == 1


def test_the_daily_table_has_a_row_per_day_of_the_range() -> None:
    days = [row[0] for row in report(resolved_by_assistant("c1").build()).tables["daily"].rows]
    assert days[0] == "2026-11-02"
    assert len(days) == 7


def test_an_empty_range_reports_zero_conversations_and_no_percentiles() -> None:
    found = report()
    assert found.value("conversations") == 0
    assert found.value("turn_latency_p50_ms") is None


def test_a_range_that_ends_before_it_starts_is_refused() -> None:
    with pytest.raises(InvalidInput):
        ReportFilter(since=DAY0, until=DAY0)


def test_nearest_rank_percentile_of_small_samples() -> None:
    assert percentile([3.0, 1.0, 2.0], 50) == 2.0
    assert percentile([1.0, 2.0, 3.0, 4.0], 90) == 4.0
    assert percentile([], 50) is None


def test_csv_export_of_a_table_and_of_the_summary() -> None:
    found = report(resolved_by_assistant("c1").build())
    assert found.csv().splitlines()[1].startswith("conversations,Conversations,1,")
    assert found.csv("handoff_reasons") == "reason,hand_offs,share_pct\n"
    with pytest.raises(InvalidInput):
        found.csv("nope")


def test_language_model_calls_are_counted_per_role_with_latency_tokens_and_refusals() -> None:
    calls = (
        HistoryBuilder("m1")
        .customer(0)
        .model_call(
            1,
            role="knowledge",
            outcome="accepted",
            first_token_ms=100.0,
            total_ms=400.0,
            prompt_tokens=300,
            completion_tokens=40,
        )
        .model_call(
            2,
            role="knowledge",
            outcome="rejected",
            first_token_ms=300.0,
            total_ms=900.0,
            prompt_tokens=310,
            completion_tokens=50,
            llm_rejected="unknown_link:https://evil.example",
        )
        .model_call(
            3,
            role="knowledge",
            outcome="rejected",
            first_token_ms=200.0,
            total_ms=600.0,
            llm_rejected="unknown_link:https://other.example",
        )
        .model_call(4, role="understanding", outcome="unavailable", reason="first_token_timeout")
        .model_call(5, Source.SYSTEM, role="summary", outcome="accepted", total_ms=800.0)
        .build()
    )
    table = report(calls).tables["model"]
    rows = {row[0]: dict(zip(table.columns, row, strict=True)) for row in table.rows}
    assert rows["knowledge"] == {
        "role": "knowledge",
        "calls": 3,
        "accepted": 1,
        "rejected": 2,
        "unavailable": 0,
        "first_token_p50_ms": 200.0,
        "total_p50_ms": 600.0,
        "total_p99_ms": 900.0,
        "prompt_tokens": 610,
        "completion_tokens": 90,
        "top_refusal": "unknown_link",
    }
    assert rows["understanding"]["unavailable"] == 1
    assert rows["understanding"]["top_refusal"] == "first_token_timeout"
    assert rows["understanding"]["total_p50_ms"] is None
    assert rows["summary"]["calls"] == 1


def test_without_a_language_model_its_table_is_empty() -> None:
    assert report(human_handled("c1").build()).tables["model"].rows == []


def test_the_sla_breach_rate_counts_first_replies_by_a_person_later_than_the_target() -> None:
    quick = HistoryBuilder("q1").customer(0).escalate(1).claim(30).agent_reply(200).build()
    late = HistoryBuilder("q2", "cus_2").customer(0).escalate(1).claim(60).agent_reply(400)
    unanswered = HistoryBuilder("q3", "cus_3").customer(0).escalate(1).close(900)
    found = build_report(
        [quick, late.build(), unanswered.build()], WEEK, sla_first_response_s=300
    )
    assert found.value("sla_first_response_breach_rate") == 0.5  # 199 s on time, 399 s late


def test_with_business_hours_the_sla_breach_rate_counts_open_time_only() -> None:
    weekday = ((9 * 60, 17 * 60),)
    office = OpeningHours(ZoneInfo("UTC"), (weekday,) * 5 + ((), ()))  # type: ignore[arg-type]
    friday_evening = DAY0 + timedelta(days=4, hours=7, minutes=58)  # Fri 16:58, two min left
    weekend = HistoryBuilder("w1", start=friday_evening).customer(0).escalate(1)
    over_the_weekend = weekend.agent_reply(timedelta(days=2, hours=16, minutes=3)).build()
    monday = HistoryBuilder("m1", "cus_2", start=DAY0 + timedelta(hours=1)).customer(0)
    slow_on_monday = monday.escalate(1).agent_reply(601).build()  # ten minutes, all open
    histories = [over_the_weekend, slow_on_monday]

    wall_clock = build_report(histories, WEEK, sla_first_response_s=300)
    open_time = build_report(histories, WEEK, sla_first_response_s=300, hours=TeamHours(office))

    assert wall_clock.value("sla_first_response_breach_rate") == 1.0
    assert open_time.value("sla_first_response_breach_rate") == 0.5  # Mon 09:01 is 3 min open


def test_a_wait_ended_by_an_approval_decision_is_not_a_wait_for_a_person() -> None:
    history = (
        HistoryBuilder("conv_resumed")
        .customer(0)
        .escalate(1, "needs_approval")
        .owner(5, "resume")  # the approval was decided from the approval queue
        .escalate(30)
        .claim(32)
        .agent_reply(33)
        .build()
    )
    assert queue_waits(history.events) == (2.0,)  # only the wait for a person, 30 -> 32
    (first_reply,) = person_first_replies(history.events)
    assert (first_reply.until - first_reply.since).total_seconds() == 3.0  # from 30, not 1


def test_the_resolution_breach_rate_counts_closed_conversations_with_a_person_open_too_long(
) -> None:
    on_time = HistoryBuilder("r1").customer(0).escalate(1).claim(30).agent_reply(60).close(3000)
    late = HistoryBuilder("r2", "cus_2").customer(0).escalate(1).claim(30).agent_reply(60)
    still_open = HistoryBuilder("r3", "cus_3").customer(0).escalate(1).claim(30).agent_reply(60)
    histories = [
        on_time.build(),
        late.close(3700).build(),
        still_open.build(),  # not resolved yet: no resolution time to judge
        resolved_by_assistant("r4", "cus_4").close(7200).build(),  # no person took part
    ]
    found = build_report(histories, WEEK, sla_resolution_s=3600)
    assert found.value("sla_resolution_breach_rate") == 0.5  # 50 min on time, 61 min late
    assert build_report(histories, WEEK, sla_resolution_s=3800).value(
        "sla_resolution_breach_rate"
    ) == 0.0


def test_with_business_hours_the_resolution_breach_rate_counts_the_teams_open_time_only() -> None:
    weekday = ((9 * 60, 17 * 60),)
    office = OpeningHours(ZoneInfo("UTC"), (weekday,) * 5 + ((), ()))  # type: ignore[arg-type]
    friday_evening = DAY0 + timedelta(days=4, hours=7, minutes=30)  # Fri 16:30
    weekend = HistoryBuilder("w1", start=friday_evening).customer(0)
    weekend.owner(1, "escalate", reason="asked_for_human", skill="billing").claim(60)
    over_the_weekend = weekend.close(timedelta(days=2, hours=16, minutes=50)).build()  # Mon 9:20
    hours = TeamHours(teams={"billing": office})  # the default team is always open

    wall_clock = build_report([over_the_weekend], WEEK, sla_resolution_s=3600)
    open_time = build_report([over_the_weekend], WEEK, sla_resolution_s=3600, hours=hours)

    assert wall_clock.value("sla_resolution_breach_rate") == 1.0
    assert open_time.value("sla_resolution_breach_rate") == 0.0  # 30 min Friday, 20 on Monday
