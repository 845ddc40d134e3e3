"""A customer's message hops to the thread pool once, for the endpoint's own work: the
dependencies that only read the request run on the event loop, where a hop would cost more
than they do."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import anyio.to_thread
import pytest
from fastapi.testclient import TestClient

from relaydesk.api.app import create_app
from relaydesk.assistant.turn import AcknowledgingAssistant
from relaydesk.settings import Settings
from relaydesk.store.engine import make_engine
from relaydesk.store.migrate import upgrade


def test_a_customers_message_goes_to_the_thread_pool_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    url = f"sqlite:///{tmp_path / 'hops.sqlite3'}"
    engine = make_engine(url)
    upgrade(engine)
    engine.dispose()
    settings = Settings(database_url=url, data_dir=tmp_path, environment="test")
    hopped: list[str] = []
    run_sync = anyio.to_thread.run_sync

    async def counted(function: Any, *args: Any, **options: Any) -> Any:
        hopped.append(getattr(function, "__name__", repr(function)))
        return await run_sync(function, *args, **options)

    with TestClient(create_app(settings, AcknowledgingAssistant())) as client:
        started = client.post("/v1/conversations", json={}).json()
        cid, token = started["conversation"]["id"], started["token"]
        monkeypatch.setattr(anyio.to_thread, "run_sync", counted)
        sent = client.post(
            f"/v1/conversations/{cid}/messages",
            json={"text": "where is my order"},
            headers={"Authorization": f"Bearer {token}", "Idempotency-Key": "k1"},
        )
        monkeypatch.undo()
    assert sent.status_code == 200
    assert len(hopped) == 1, hopped
