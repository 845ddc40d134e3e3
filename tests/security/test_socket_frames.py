"""Whatever a client sends over the customer's websocket: an answer, never a traceback.

Properties, over random frames (binary, broken JSON, any JSON, messages, oversized text):
every frame is answered on the socket or is a pong; the server raises nothing and logs no
error; REST still answers; and every frame counts toward the conversation's message limit.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from relaydesk.api.app import create_app
from relaydesk.assistant.turn import AcknowledgingAssistant
from relaydesk.security.ratelimit import MemoryRateLimiter
from relaydesk.settings import Settings
from relaydesk.store.engine import make_engine
from relaydesk.store.migrate import upgrade
from support.limits_clock import limiter_clock

BUDGET = 6  # customer frames per conversation per minute in these tests
FRAME_CAP = 2048

Frame = tuple[str, Any]  # ("text", str) or ("bytes", bytes)

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda children: st.lists(children, max_size=4)
    | st.dictionaries(st.text(max_size=10), children, max_size=4),
    max_leaves=12,
)
messages = st.fixed_dictionaries(
    {
        "type": st.sampled_from(["message", "pong", "typing", "ping", "note", ""]),
        "text": st.text(max_size=40) | st.integers(),
        "idempotency_key": st.text(max_size=12),
    }
)
frames: st.SearchStrategy[Frame] = st.one_of(
    st.binary(max_size=64).map(lambda data: ("bytes", data)),
    st.text(max_size=60).map(lambda text: ("text", text)),
    json_values.map(lambda value: ("text", json.dumps(value))),
    messages.map(lambda value: ("text", json.dumps(value))),
    st.integers(FRAME_CAP + 1, FRAME_CAP * 3).map(lambda n: ("text", "x" * n)),
    st.integers(FRAME_CAP // 2, FRAME_CAP * 2).map(lambda n: ("text", "[" * n)),
)


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    data_dir: Path = tmp_path_factory.mktemp("frames")
    url = f"sqlite:///{data_dir / 'frames.sqlite3'}"
    engine = make_engine(url)
    upgrade(engine)
    engine.dispose()
    config = Settings(
        database_url=url,
        data_dir=data_dir,
        environment="test",
        assistant="acknowledge",
        rate_limit_session_per_minute=BUDGET,
        rate_limit_ip_per_minute=0,
        websocket_max_frame_bytes=FRAME_CAP,
    )
    app = create_app(config, AcknowledgingAssistant())
    # The limiter's window never turns during the tests.
    with limiter_clock(1_000_000.0), TestClient(app) as test_client:
        app.state.limiter = limiter = MemoryRateLimiter()
        yield test_client
    limiter.close()


def start(client: TestClient) -> tuple[str, str]:
    started = client.post("/v1/conversations", json={}).json()
    return started["conversation"]["id"], started["token"]


def is_pong(frame: Frame) -> bool:
    kind, payload = frame
    if kind != "text":
        return False
    try:
        value = json.loads(payload)
    except (ValueError, RecursionError):
        return False
    return isinstance(value, dict) and value.get("type") == "pong"


def answer_to(socket: Any) -> dict[str, Any]:
    """The next ack or error, past the events a stored message produces."""
    while True:
        reply: dict[str, Any] = socket.receive_json()
        if reply["type"] in ("ack", "error"):
            return reply


def send(socket: Any, frame: Frame) -> None:
    kind, payload = frame
    if kind == "bytes":
        socket.send_bytes(payload)
    else:
        socket.send_text(payload)


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(sent=st.lists(frames, min_size=1, max_size=BUDGET + 2))
def test_random_frames_are_answered_counted_and_never_crash_the_server(
    client: TestClient, caplog: pytest.LogCaptureFixture, sent: list[Frame]
) -> None:
    caplog.clear()
    cid, token = start(client)
    answers = []
    with client.websocket_connect(f"/v1/conversations/{cid}/stream?token={token}") as socket:
        for number, frame in enumerate(sent, start=1):
            send(socket, frame)
            if not is_pong(frame) or number > BUDGET:
                answers.append(answer_to(socket))
        # Whatever came before, the budget is spent only by the frames sent.
        socket.send_json({"type": "message", "text": "hello", "idempotency_key": "last"})
        last = answer_to(socket)
    assert all(a["type"] == "ack" or set(a) == {"type", "code", "message"} for a in answers)
    assert sum(a["type"] == "ack" for a in answers) <= BUDGET
    assert (last["type"] == "ack") == (len(sent) < BUDGET)
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]
    events = client.get(
        f"/v1/conversations/{cid}/events", headers={"Authorization": f"Bearer {token}"}
    )
    assert events.status_code == 200


def test_a_frame_over_the_cap_is_refused_with_a_sentence_and_the_socket_stays(
    client: TestClient,
) -> None:
    cid, token = start(client)
    with client.websocket_connect(f"/v1/conversations/{cid}/stream?token={token}") as socket:
        too_long = {"type": "message", "text": "x" * FRAME_CAP, "idempotency_key": "a"}
        socket.send_text(json.dumps(too_long))
        refused = answer_to(socket)
        socket.send_bytes(b"\x00\x01")
        binary = answer_to(socket)
        socket.send_text("{not json")
        broken = answer_to(socket)
        socket.send_json({"type": "message", "text": "hello", "idempotency_key": "b"})
        accepted = answer_to(socket)
    assert refused["code"] == "invalid_input"
    assert refused["message"] == "A frame may be at most 2 KiB."
    assert binary["code"] == "invalid_input" and "binary" in binary["message"]
    assert broken["message"] == "The frame is not valid JSON."
    assert accepted["type"] == "ack"
