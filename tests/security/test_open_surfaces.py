"""Operational surfaces are closed by default: metrics, the demo shop, the API docs, headers."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from relaydesk.api.app import create_app
from relaydesk.assistant.turn import AcknowledgingAssistant
from relaydesk.settings import Settings
from relaydesk.store.engine import make_engine
from relaydesk.store.migrate import upgrade
from support.limits_clock import MID_MINUTE, limiter_clock

SCRAPE = {"Authorization": "Bearer scrape-token"}


def app_client(tmp_path: Path, **fields: object) -> TestClient:
    url = f"sqlite:///{tmp_path / 'surfaces.sqlite3'}"
    engine = make_engine(url)
    upgrade(engine)
    engine.dispose()
    settings = Settings(
        database_url=url, data_dir=tmp_path, environment="test", assistant="acknowledge", **fields
    )  # type: ignore[arg-type]
    return TestClient(create_app(settings, AcknowledgingAssistant()))


@pytest.fixture
def client(tmp_path: Path) -> Iterator[TestClient]:
    with app_client(tmp_path, metrics_token="scrape-token") as test_client:
        yield test_client


def test_metrics_are_not_served_without_a_configured_token(tmp_path: Path) -> None:
    with app_client(tmp_path) as client:
        refused = client.get("/metrics", headers=SCRAPE)
    assert refused.status_code == 404
    assert "RELAYDESK_METRICS_TOKEN" in refused.json()["message"]


def test_metrics_need_the_token(client: TestClient) -> None:
    assert client.get("/metrics").status_code == 401
    assert client.get("/metrics", headers={"Authorization": "Bearer guess"}).status_code == 401
    scraped = client.get("/metrics", headers=SCRAPE)
    assert scraped.status_code == 200
    assert "relaydesk_queue_length" in scraped.text


def test_scrapes_in_quick_succession_read_the_store_once(client: TestClient) -> None:
    first = client.get("/metrics", headers=SCRAPE).text
    started = client.post("/v1/conversations", json={}).json()
    cid, token = started["conversation"]["id"], started["token"]
    escalated = client.post(
        f"/v1/conversations/{cid}/escalate", headers={"Authorization": f"Bearer {token}"}
    )
    assert escalated.status_code == 200
    assert client.get("/metrics", headers=SCRAPE).text == first  # cached, not re-queried
    assert "relaydesk_queue_length 0.0" in first


def test_metrics_count_toward_the_per_address_limit(tmp_path: Path) -> None:
    settings = {"metrics_token": "scrape-token", "rate_limit_ip_per_minute": 3}
    with limiter_clock(MID_MINUTE), app_client(tmp_path, **settings) as client:
        answers = [client.get("/metrics", headers=SCRAPE).status_code for _ in range(4)]
    assert answers == [200, 200, 200, 429]


def test_the_demo_shop_is_mounted_only_when_the_demo_asks_for_it(tmp_path: Path) -> None:
    with app_client(tmp_path) as client:
        assert client.get("/shop").status_code == 404
        assert client.get("/shop?customer=cust-alice").status_code == 404
    with app_client(tmp_path, demo_shop=True) as client:
        assert client.get("/shop").status_code == 200


def test_the_api_docs_are_not_served_in_production(tmp_path: Path) -> None:
    secrets = {"secret_key": "s" * 40, "identity_secret": "i" * 40}
    with app_client(tmp_path, **secrets) as client:
        assert client.get("/docs").status_code == 200
    with TestClient(
        create_app(
            Settings(
                database_url=f"sqlite:///{tmp_path / 'surfaces.sqlite3'}",
                data_dir=tmp_path,
                environment="production",
                assistant="acknowledge",
                **secrets,
            ),
            AcknowledgingAssistant(),
        )
    ) as client:
        assert client.get("/docs").status_code == 404
        assert client.get("/redoc").status_code == 404


@pytest.mark.parametrize(
    "path", ["/help", "/shop", "/docs", "/console/login", "/widget.js", "/healthz", "/nope"]
)
def test_every_response_says_nosniff_and_every_page_forbids_framing(
    tmp_path: Path, path: str
) -> None:
    with app_client(tmp_path, demo_shop=True) as client:
        response = client.get(path)
    assert response.headers["x-content-type-options"] == "nosniff"
    if response.headers.get("content-type", "").startswith("text/html"):
        policy = response.headers["content-security-policy"]
        assert "frame-ancestors 'none'" in policy
        assert "default-src 'self'" in policy
        assert response.headers["x-frame-options"] == "DENY"


def test_only_the_api_docs_may_load_scripts_from_elsewhere(tmp_path: Path) -> None:
    with app_client(tmp_path, demo_shop=True) as client:
        docs = client.get("/docs").headers["content-security-policy"]
        help_page = client.get("/help").headers["content-security-policy"]
    assert "https://cdn.jsdelivr.net" in docs
    assert "script-src 'self';" in help_page
