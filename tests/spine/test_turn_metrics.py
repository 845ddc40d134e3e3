"""Each assistant turn is observed on /metrics by the desk that runs it, wired in by the app
factory (no proxy wrapped around the assistant afterwards)."""

from __future__ import annotations

from pathlib import Path

from relaydesk.assistant.turn import AcknowledgingAssistant
from security.web import app_client

SCRAPE = {"Authorization": "Bearer scrape-token"}


def turns_counted(scraped: str) -> float:
    line = next(
        line for line in scraped.splitlines()
        if line.startswith("relaydesk_assistant_turn_duration_seconds_count")
    )  # fmt: skip
    return float(line.split()[-1])


def test_every_customer_message_is_one_observed_turn(tmp_path: Path) -> None:
    with app_client(tmp_path, metrics_token="scrape-token") as client:
        desk = client.app.state.services.conversations  # type: ignore[attr-defined]
        assert isinstance(desk.assistant, AcknowledgingAssistant)  # the assistant, unwrapped
        started = client.post("/v1/conversations", json={}).json()
        cid, token = started["conversation"]["id"], started["token"]
        for key in ("k1", "k2"):
            sent = client.post(
                f"/v1/conversations/{cid}/messages",
                json={"text": "hello"},
                headers={"Authorization": f"Bearer {token}", "Idempotency-Key": key},
            )
            assert sent.status_code == 200, sent.text
        assert turns_counted(client.get("/metrics", headers=SCRAPE).text) == 2.0
