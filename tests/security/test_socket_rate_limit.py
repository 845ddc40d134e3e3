from pathlib import Path

from fastapi.testclient import TestClient

from relaydesk.api.app import create_app
from relaydesk.assistant.turn import AcknowledgingAssistant
from relaydesk.settings import Settings
from relaydesk.store.engine import make_engine
from relaydesk.store.migrate import upgrade
from support.limits_clock import MID_MINUTE, limiter_clock


def test_messages_over_the_websocket_share_the_conversations_rate_limit(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'rl.sqlite3'}"
    engine = make_engine(url)
    upgrade(engine)
    engine.dispose()
    settings = Settings(
        database_url=url, data_dir=tmp_path, environment="test", rate_limit_session_per_minute=2
    )
    app = create_app(settings, AcknowledgingAssistant())
    with limiter_clock(MID_MINUTE), TestClient(app) as client:
        started = client.post("/v1/conversations", json={}).json()
        cid, token = started["conversation"]["id"], started["token"]
        replies = []
        with client.websocket_connect(f"/v1/conversations/{cid}/stream?token={token}") as ws:
            for n in range(3):
                ws.send_json({"type": "message", "text": f"hello {n}", "idempotency_key": f"k{n}"})
                frame = ws.receive_json()
                while frame["type"] == "event":
                    frame = ws.receive_json()
                replies.append(frame)
        assert [r["type"] for r in replies] == ["ack", "ack", "error"]
        assert replies[2]["code"] == "rate_limited"
        events = client.get(
            f"/v1/conversations/{cid}/events", headers={"Authorization": f"Bearer {token}"}
        ).json()["events"]
        assert [e["text"] for e in events if e["source"] == "customer"] == ["hello 0", "hello 1"]
