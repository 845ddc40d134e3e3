"""A reply by email is offered only when relaydesk can send one."""

from __future__ import annotations

from pathlib import Path

from fastapi.testclient import TestClient

from relaydesk.api.app import create_app
from relaydesk.assistant.turn import AcknowledgingAssistant
from relaydesk.desk.queue_notices import wait_notice
from relaydesk.settings import Settings
from relaydesk.store.engine import make_engine
from relaydesk.store.migrate import upgrade


def offers(tmp_path: Path, **email: object) -> dict[str, object]:
    engine = make_engine(f"sqlite:///{tmp_path / 'relaydesk.sqlite3'}")
    upgrade(engine)
    engine.dispose()
    settings = Settings(
        data_dir=tmp_path,
        environment="test",
        assistant="acknowledge",
        **email,  # type: ignore[arg-type]
    )
    with TestClient(create_app(settings, AcknowledgingAssistant())) as client:
        found = client.get("/v1/channels").json()
    assert isinstance(found, dict)
    return found


def test_the_widget_is_told_no_reply_by_email_without_an_smtp_server(tmp_path: Path) -> None:
    assert offers(tmp_path) == {"reply_by_email": False}


def test_the_widget_is_told_replies_by_email_work_once_sending_is_configured(
    tmp_path: Path,
) -> None:
    configured = offers(tmp_path, email_address="support@shop.example", smtp_host="127.0.0.1")
    assert configured == {"reply_by_email": True}


def test_the_nobody_online_notice_mentions_email_only_when_it_can_be_sent() -> None:
    with_email = wait_notice("de", 5, anyone_online=False, email_replies=True)
    without = wait_notice("de", 5, anyone_online=False, email_replies=False)
    assert "E-Mail" in with_email
    assert "E-Mail" not in without
    assert without.endswith("(etwa 5 Min.).")
