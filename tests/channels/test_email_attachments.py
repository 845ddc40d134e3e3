"""Agents list and download what a customer attached to an email; others cannot."""

from __future__ import annotations

from collections.abc import Iterator
from email.message import EmailMessage
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from agents.helpers import FAST_HASHER
from relaydesk.api.app import create_app
from relaydesk.assistant.turn import AcknowledgingAssistant
from relaydesk.channels.wiring import email_intake
from relaydesk.domain.agents import Role
from relaydesk.settings import Settings
from relaydesk.store.engine import make_engine
from relaydesk.store.migrate import upgrade

PASSWORD = "a long enough password"


@pytest.fixture
def client(tmp_path: Path) -> Iterator[TestClient]:
    engine = make_engine(f"sqlite:///{tmp_path / 'relaydesk.sqlite3'}")
    upgrade(engine)
    engine.dispose()
    settings = Settings(
        data_dir=tmp_path,
        environment="test",
        assistant="acknowledge",
        email_address="support@shop.example",
        smtp_host="127.0.0.1",
        channel_workers=False,
    )
    app = create_app(settings, AcknowledgingAssistant())
    app.state.services.agents.hasher = FAST_HASHER
    with TestClient(app) as test_client:
        yield test_client


def signed_in(client: TestClient, name: str, role: Role) -> dict[str, str]:
    services = client.app.state.services  # type: ignore[attr-defined]
    email = f"{name}@shop.example"
    services.agents.add_agent(email=email, display_name=name, password=PASSWORD, role=role)
    login = client.post("/v1/agent/login", json={"email": email, "password": PASSWORD})
    return {"Authorization": f"Bearer {login.json()['token']}"}


def mail_with_receipt() -> bytes:
    message = EmailMessage()
    message["From"] = "Anna <anna@mail.example>"
    message["To"] = "support@shop.example"
    message["Subject"] = "Receipt"
    message["Message-ID"] = "<receipt@mail.example>"
    message.set_content("My receipt is attached.")
    message.add_attachment(
        b"%PDF-1.4 receipt", maintype="application", subtype="pdf", filename="receipt 1.pdf"
    )
    return message.as_bytes()


def test_a_supervisor_lists_and_downloads_an_attachment_that_a_plain_agent_may_not(
    client: TestClient,
) -> None:
    services = client.app.state.services  # type: ignore[attr-defined]
    assert (
        email_intake(services.settings, services.conversations).receive(mail_with_receipt())
        == "started"
    )
    (conversation_id,) = _email_conversations(services)
    supervisor = signed_in(client, "sara", Role.SUPERVISOR)
    listed = client.get(
        f"/v1/agent/conversations/{conversation_id}/attachments", headers=supervisor
    )
    (item,) = listed.json()
    assert (item["filename"], item["content_type"], item["size"]) == (
        "receipt 1.pdf",
        "application/pdf",
        16,
    )
    download = client.get(
        f"/v1/agent/conversations/{conversation_id}/attachments/{item['id']}", headers=supervisor
    )
    assert download.content == b"%PDF-1.4 receipt"
    assert download.headers["content-disposition"] == 'attachment; filename="receipt_1.pdf"'
    assert download.headers["content-type"] == "application/octet-stream"

    agent = signed_in(client, "alex", Role.AGENT)  # the assistant still owns it: not theirs
    refused = client.get(f"/v1/agent/conversations/{conversation_id}/attachments", headers=agent)
    assert refused.status_code == 403
    missing = client.get(
        f"/v1/agent/conversations/{conversation_id}/attachments/att_nope", headers=supervisor
    )
    assert (missing.status_code, missing.json()["code"]) == (404, "not_found")


def _email_conversations(services: object) -> list[str]:
    from sqlalchemy import select

    from relaydesk.store.tables import conversations

    engine = services.store.engine  # type: ignore[attr-defined]
    with engine.begin() as conn:
        query = select(conversations.c.id).where(conversations.c.channel == "email")
        return list(conn.execute(query).scalars())
