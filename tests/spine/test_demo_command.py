"""`relaydesk demo` (what `make demo` runs) as a newcomer meets it, and the README's curl walk."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from relaydesk.cli.demo import DEMO_AGENT, DEMO_SUPERVISOR
from support.services import free_port, shared_cache_dir

LINKS = ("Demo shop with the chat:", "Agent console:", "Operator dashboard:")


class Demo:
    def __init__(self, data_dir: Path) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = data_dir / f"demo-{self.port}.log"
        env = {
            **os.environ,
            "RELAYDESK_DATA_DIR": str(data_dir),
            "RELAYDESK_CACHE_DIR": str(shared_cache_dir()),
            "RELAYDESK_PORT": str(self.port),
            "COLUMNS": "120",
        }
        with open(self.log, "wb") as out:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "relaydesk", "demo"],
                env=env,
                stdout=out,
                stderr=subprocess.STDOUT,
            )

    def printed(self) -> str:
        return self.log.read_text(errors="replace")

    def wait_until_serving(self, timeout: float = 300) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            assert self.process.poll() is None, self.printed()
            try:
                if httpx.get(f"{self.url}/healthz", timeout=1).status_code == 200:
                    return
            except httpx.HTTPError:
                time.sleep(0.2)
        raise AssertionError(f"the demo did not serve in time:\n{self.printed()}")

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=20)


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Demo]:
    running = Demo(tmp_path_factory.mktemp("demo"))
    running.wait_until_serving()
    yield running
    running.stop()


def test_the_demo_prints_its_links_and_serves_the_shop_the_console_and_the_dashboard(
    demo: Demo,
) -> None:
    printed = demo.printed()
    for label in LINKS:
        assert label in printed
    for path in ("/shop", "/console", "/dashboard"):
        assert f"{demo.url}{path}" in printed
        assert httpx.get(f"{demo.url}{path}", follow_redirects=True).status_code == 200
    assert DEMO_AGENT[0] in printed and DEMO_SUPERVISOR[0] in printed
    login = httpx.post(
        f"{demo.url}/v1/agent/login", json={"email": DEMO_AGENT[0], "password": DEMO_AGENT[2]}
    )
    assert login.status_code == 200, login.text
    assert f'src="{demo.url}/widget.js"' in httpx.get(f"{demo.url}/shop").text
    # `relaydesk simulate` in another terminal finds the business this data was seeded for
    assert (demo.log.parent / "pack").read_text().strip() == os.environ["RELAYDESK_PACK"]


def test_the_demo_names_its_real_address_in_the_chat_hint_and_leads_from_the_root_to_the_shop(
    demo: Demo,
) -> None:
    assert f"relaydesk chat --url {demo.url} --customer cust-alice" in demo.printed()
    root = httpx.get(f"{demo.url}/")
    assert root.status_code == 307 and root.headers["location"] == "/shop"


def test_the_readme_curl_walk_stores_a_retried_message_once(demo: Demo) -> None:
    started = httpx.post(
        f"{demo.url}/v1/conversations", json={"display_name": "Ann", "language": "en"}
    )
    assert started.status_code == 201, started.text
    cid, token = started.json()["conversation"]["id"], started.json()["token"]
    headers = {"Authorization": f"Bearer {token}", "Idempotency-Key": "1"}
    message = {"text": "when is my next payment?"}
    first = httpx.post(
        f"{demo.url}/v1/conversations/{cid}/messages", json=message, headers=headers, timeout=30
    )
    again = httpx.post(
        f"{demo.url}/v1/conversations/{cid}/messages", json=message, headers=headers, timeout=30
    )
    assert first.status_code == again.status_code == 200
    assert again.json() == first.json() and again.headers["Idempotent-Replayed"] == "true"
    events = httpx.get(
        f"{demo.url}/v1/conversations/{cid}/events?after=0",
        headers={"Authorization": f"Bearer {token}"},
    ).json()["events"]
    said = [e for e in events if e["kind"] == "message" and e["source"] == "customer"]
    assert [e["text"] for e in said] == ["when is my next payment?"]
    assert any(e["source"] == "assistant" and e["text"] for e in events)


def test_the_demo_starts_again_on_the_same_data(tmp_path: Path) -> None:
    for _ in range(2):
        running = Demo(tmp_path)
        try:
            running.wait_until_serving()
        finally:
            running.stop()
