"""`relaydesk digest`: the supervisors' weekly digest from the stored week, printed and emailed."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import Engine, select, update
from typer.testing import CliRunner

from analytics.test_insight import NOW, conversation
from relaydesk.cli.main import app
from relaydesk.desk.agents import AgentDesk
from relaydesk.domain.agents import Role
from relaydesk.domain.model import EventKind, NewEvent, Source
from relaydesk.store.agents import AgentStore
from relaydesk.store.conversations import ConversationStore
from relaydesk.store.tables import conversations, events, outbox_emails

runner = CliRunner()
WEEK = ["--since", (NOW - timedelta(days=7)).date().isoformat(), "--until", NOW.date().isoformat()]
SMTP = {
    "RELAYDESK_SMTP_HOST": "127.0.0.1",
    "RELAYDESK_EMAIL_ADDRESS": "support@shop.example",
}


def rated(engine: Engine, score: int, comment: str, days_ago: float) -> None:
    store = ConversationStore(engine)
    customer = store.ensure_customer(None, "Bo", "en")
    started = store.create_conversation(customer.id, "web", "en")
    rating = NewEvent(
        EventKind.CSAT_RATING, Source.CUSTOMER, data={"csat": score, "comment": comment}
    )
    store.append(started.id, [rating])
    moment = NOW - timedelta(days=days_ago)
    with engine.begin() as conn:
        conn.execute(
            update(conversations)
            .where(conversations.c.id == started.id)
            .values(created_at=moment, updated_at=moment)
        )
        conn.execute(
            update(events).where(events.c.conversation_id == started.id).values(created_at=moment)
        )


def a_week_of_questions(engine: Engine) -> None:
    unsure = {"intent": "shipping", "confidence": 0.2, "out_of_scope": True}
    for text in ("Do you ship to Canada?", "Can I get delivery in Canada?"):
        conversation(engine, text, unsure, "clarify", 2)  # the delivery article answers it now
    for _ in range(2):
        conversation(engine, "Do you sell blorp fizzle wugs?", unsure, "clarify", 2)
    sure = {"intent": "next_payment", "confidence": 0.95, "out_of_scope": False}
    for days_ago in (9, 3, 2):
        conversation(engine, "When is my next payment?", sure, "next_payment.done", days_ago)
    rated(engine, 2, "Nobody could tell me about Canada", 1)


def test_the_digest_says_what_changed_what_to_write_and_what_customers_said(
    engine: Engine, tmp_path: Path
) -> None:
    a_week_of_questions(engine)
    printed = runner.invoke(app, ["digest", *WEEK, "--data-dir", str(tmp_path)])
    assert printed.exit_code == 0, printed.output
    text = printed.output
    assert text.startswith("relaydesk digest, 2026-11-23 to 2026-11-30 (UTC)")
    assert "- Conversations: 7 (+600.0 %)" in text  # one the week before
    gaps = text.split("Knowledge gaps to write articles for")[1].split("\n\n")[0]
    assert '- 2 x "Do you sell blorp fizzle wugs?" (en 2)' in gaps
    assert "- Closed by new or updated articles: 1" in gaps and "Canada" not in gaps
    emerging = text.split("Emerging topics among them")[1].split("\n\n")[0]
    assert "No previous period covered by data" in emerging  # the data starts 9 days ago
    assert '- Rated 2: "Nobody could tell me about Canada"' in text


def test_sent_the_digest_goes_to_every_active_supervisor_through_the_outbox(
    engine: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    a_week_of_questions(engine)
    desk = AgentDesk(AgentStore(engine), "unused")
    desk.add_agent(
        email="sam@example.com", display_name="Sam", password="long enough", role=Role.SUPERVISOR
    )
    desk.add_agent(email="ann@example.com", display_name="Ann", password="long enough")
    for name, value in SMTP.items():
        monkeypatch.setenv(name, value)

    sent = runner.invoke(app, ["digest", *WEEK, "--send", "--data-dir", str(tmp_path)])

    assert sent.exit_code == 0, sent.output
    with engine.connect() as conn:
        queued = conn.execute(select(outbox_emails)).mappings().all()
    assert [(row["recipient"], row["status"]) for row in queued] == [("sam@example.com", "queued")]
    assert queued[0]["subject"] == "Weekly digest: 23 Nov to 30 Nov 2026"
    assert queued[0]["body_text"].startswith("relaydesk digest, 2026-11-23")


def test_without_email_sending_the_digest_is_not_promised_by_email(tmp_path: Path) -> None:
    refused = runner.invoke(app, ["digest", "--send", "--data-dir", str(tmp_path)])
    assert refused.exit_code == 2
    assert "Email sending is not configured" in refused.output
