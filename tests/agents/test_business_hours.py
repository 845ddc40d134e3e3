"""Business hours per team with holidays: honest notices outside them, SLA clocks that stop."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from fastapi.testclient import TestClient
from pydantic import ValidationError
from sqlalchemy import update

from agents.helpers import FAST_HASHER, PASSWORD, Desks
from agents.test_console_pages import sign_in
from relaydesk.api.app import create_app
from relaydesk.assistant.turn import AcknowledgingAssistant
from relaydesk.desk.opening_hours import team_hours
from relaydesk.desk.worklist import SlaTargets, Worklist
from relaydesk.domain.agents import Role
from relaydesk.domain.model import EventKind, Source
from relaydesk.settings import OpeningHoursSetting, Settings
from relaydesk.store.engine import make_engine
from relaydesk.store.migrate import upgrade
from relaydesk.store.tables import conversations
from relaydesk.store.worklist import WorklistStore

STOCKHOLM = ZoneInfo("Europe/Stockholm")
OFFICE = {
    "timezone": "Europe/Stockholm",
    "days": {"mon-fri": "09:00-17:00", "sat": "10:00-12:00"},
    "holidays": ["2026-12-24", "2026-12-25"],
}
TARGETS = SlaTargets(first_response=timedelta(minutes=5), reply=timedelta(minutes=5))


def local(*args: int) -> datetime:
    return datetime(*args, tzinfo=STOCKHOLM)  # type: ignore[misc]


def office() -> OpeningHoursSetting:
    return OpeningHoursSetting.model_validate(OFFICE)


def test_the_week_is_read_from_ranges_and_days_not_named_are_closed() -> None:
    hours = team_hours({"default": office()}).for_team(None)
    assert hours is not None
    assert hours.is_open(local(2026, 12, 4, 9, 0))  # a Friday
    assert not hours.is_open(local(2026, 12, 4, 17, 0))
    assert hours.is_open(local(2026, 12, 5, 11, 59))  # Saturday morning
    assert not hours.is_open(local(2026, 12, 6, 11, 0))  # Sunday


def test_after_friday_closing_the_team_is_back_on_saturday_and_holidays_are_skipped() -> None:
    hours = team_hours({"default": office()}).for_team(None)
    assert hours is not None
    assert hours.next_opening(local(2026, 12, 4, 18, 30)) == local(2026, 12, 5, 10, 0)
    # Thursday 24th and Friday 25th are holidays: after Wednesday comes Saturday the 26th.
    assert hours.next_opening(local(2026, 12, 23, 17, 1)) == local(2026, 12, 26, 10, 0)


def test_an_sla_target_counts_only_open_time() -> None:
    hours = team_hours({"default": office()}).for_team(None)
    assert hours is not None
    friday = local(2026, 12, 4, 16, 58)
    assert hours.add_open_time(friday, timedelta(minutes=5)) == local(2026, 12, 5, 10, 3)
    assert hours.open_time_between(friday, local(2026, 12, 5, 10, 3)) == timedelta(minutes=5)


def test_opening_time_stays_nine_oclock_local_across_the_change_to_summer_time() -> None:
    hours = team_hours({"default": office()}).for_team(None)
    assert hours is not None
    # Sunday 29 March 2026 the clocks go forward; Monday still opens at 09:00 Stockholm time.
    opens = hours.next_opening(local(2026, 3, 28, 13, 0))
    assert opens is not None and opens.astimezone(STOCKHOLM).hour == 9
    assert opens.astimezone(UTC).hour == 7


def test_a_team_with_its_own_hours_uses_them_and_others_follow_the_default() -> None:
    billing = OpeningHoursSetting.model_validate(
        {"timezone": "Europe/Stockholm", "days": {"mon-sun": "00:00-24:00"}}
    )
    hours = team_hours({"default": office(), "billing": billing})
    sunday = local(2026, 12, 6, 3, 0)
    assert hours.closed_until("billing", sunday) is None
    assert hours.closed_until("tech", sunday) == local(2026, 12, 7, 9, 0)
    assert team_hours({}).closed_until(None, sunday) is None  # no hours: always reachable


@pytest.mark.parametrize(
    ("change", "said"),
    [
        ({"timezone": "Mars/Olympus"}, "is not a time zone name"),
        ({"days": {"monday-friday": "09:00-17:00"}}, "is not a weekday or range"),
        ({"days": {"fri-mon": "09:00-17:00"}}, "runs backwards"),
        ({"days": {"mon": "9-5"}}, "is not a time span"),
        ({"days": {"mon": "17:00-09:00"}}, "must end after it starts"),
        ({"holidays": ["Christmas"]}, "valid date"),
    ],
)
def test_unreadable_hours_are_refused_with_a_sentence(change: dict[str, object], said: str) -> None:
    with pytest.raises(ValidationError, match=said):
        Settings(environment="test", business_hours={"default": {**OFFICE, **change}})


def test_hours_come_from_a_json_variable_like_any_setting(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("RELAYDESK_BUSINESS_HOURS", '{"default": {"days": {"mon": "closed"}}}')
    assert Settings(environment="test").business_hours["default"].week()[0] == []


def use_office_hours(desks: Desks, now: datetime) -> None:
    desks.routing.hours = team_hours({"default": office()})
    desks.clock.now = now.astimezone(UTC)


def test_outside_hours_a_waiting_customer_is_told_when_people_are_back_in_their_language(
    desks: Desks,
) -> None:
    use_office_hours(desks, local(2026, 12, 6, 20, 0))  # Sunday evening
    conversation = desks.escalated(language="de")
    desks.routing.email_replies = True
    desks.routing.sync_queue()

    (notice,) = [
        e
        for e in desks.store.events_after(conversation.id, 0, 50)
        if e.kind is EventKind.MESSAGE and e.source is Source.SYSTEM
    ]
    assert notice.text is not None
    assert notice.text.startswith("Unser Team ist gerade außerhalb der Geschäftszeiten")
    assert "Mo., 7. Dez. 09:00" in notice.text and "(Europe/Stockholm)" in notice.text
    assert "E-Mail" in notice.text  # the email alternative, since email can be sent
    assert "wait_minutes" not in notice.data  # no expected wait that nobody will keep
    assert notice.data["back_at"] == local(2026, 12, 7, 9, 0).astimezone(UTC).isoformat()


def test_without_email_sending_the_closed_notice_promises_no_email(desks: Desks) -> None:
    use_office_hours(desks, local(2026, 12, 6, 20, 0))
    desks.routing.email_replies = False
    conversation = desks.escalated(language="en")
    desks.routing.sync_queue()
    texts = [e.text or "" for e in desks.store.events_after(conversation.id, 0, 50)]
    assert any("back Mon, Dec 7 09:00" in text for text in texts), texts
    assert not any("email" in text.lower() for text in texts)


def test_within_hours_the_customer_hears_the_usual_expected_wait(desks: Desks) -> None:
    use_office_hours(desks, local(2026, 12, 7, 10, 0))
    conversation = desks.escalated(language="en")
    desks.routing.sync_queue()
    (notice,) = [
        e for e in desks.store.events_after(conversation.id, 0, 50) if "queue_position" in e.data
    ]
    assert "wait_minutes" in notice.data and "back_at" not in notice.data
    assert notice.text is not None and "outside business hours" not in notice.text


def test_the_sla_clock_is_paused_outside_hours_and_the_target_moves_past_the_closed_time(
    desks: Desks,
) -> None:
    maria = desks.add("Maria")
    use_office_hours(desks, local(2026, 12, 4, 16, 58))  # two minutes before Friday closing
    desks.escalated()
    desks.routing.sync_queue()
    board = Worklist(WorklistStore(desks.store.engine), desks.routing, TARGETS, desks.clock)

    (row,) = board.queue(maria)
    assert row.due_at == local(2026, 12, 5, 10, 3)  # 2 min on Friday, 3 on Saturday
    assert row.sla_state(desks.clock(), TARGETS) == "ok"

    desks.clock.advance(6 * 3600)  # Friday night: five minutes have passed, but closed ones
    (row,) = board.queue(maria)
    assert row.sla_state(desks.clock(), TARGETS) == "paused"
    assert row.paused_until == local(2026, 12, 5, 10, 0)

    desks.clock.now = local(2026, 12, 5, 10, 4).astimezone(UTC)  # open again, and late
    (row,) = board.queue(maria)
    assert row.sla_state(desks.clock(), TARGETS) == "breached"


def test_supervisors_see_each_teams_hours_and_whether_it_is_open_on_the_team_page(
    tmp_path: Path,
) -> None:
    url = f"sqlite:///{tmp_path / 'hours.sqlite3'}"
    engine = make_engine(url)
    upgrade(engine)
    engine.dispose()
    today = datetime.now(UTC).date()
    hours = {
        "default": {"timezone": "UTC", "days": {"mon-sun": "09:00-17:00"}, "holidays": [today]},
        "billing": {"timezone": "UTC", "days": {"mon-sun": "00:00-24:00"}},
    }
    settings = Settings(
        database_url=url,
        data_dir=tmp_path,
        environment="test",
        assistant="acknowledge",
        business_hours=hours,  # type: ignore[arg-type]
    )
    app = create_app(settings, AcknowledgingAssistant())
    app.state.services.agents.hasher = FAST_HASHER
    with TestClient(app) as client:
        app.state.services.agents.add_agent(
            email="sam@example.com", display_name="Sam", password=PASSWORD, role=Role.SUPERVISOR
        )
        sign_in(client, "sam@example.com")
        page = client.get("/console/team").text
    section = page.split('data-testid="business-hours"')[1].split("</section>")[0]
    default, billing = section.split("<tr>")[2:4]
    assert "mon-sun 09:00-17:00" in default and today.isoformat() in default
    assert "closed until" in default and "09:00 UTC" in default
    assert "billing" in billing and ">open<" in billing


def test_the_resolution_target_counts_only_the_open_time_since_the_conversation_started(
    desks: Desks,
) -> None:
    maria = desks.add("Maria")
    use_office_hours(desks, local(2026, 12, 4, 16, 50))  # ten minutes before Friday closing
    conversation = desks.escalated()
    with desks.store.engine.begin() as conn:
        conn.execute(
            update(conversations)
            .where(conversations.c.id == conversation.id)
            .values(created_at=desks.clock())
        )
    desks.routing.sync_queue()
    targets = replace(TARGETS, resolution=timedelta(minutes=30))
    board = Worklist(WorklistStore(desks.store.engine), desks.routing, targets, desks.clock)

    (row,) = board.queue(maria)
    assert row.resolution_due == local(2026, 12, 5, 10, 20)  # 10 min on Friday, 20 on Saturday
    desks.clock.now = local(2026, 12, 5, 9, 0).astimezone(UTC)  # 16 hours, but closed ones
    (row,) = board.queue(maria)
    assert not row.resolution_late(desks.clock())
    desks.clock.now = local(2026, 12, 5, 10, 21).astimezone(UTC)
    (row,) = board.queue(maria)
    assert row.resolution_late(desks.clock())
