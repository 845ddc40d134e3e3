"""`RELAYDESK_PACK=bikeshop relaydesk demo` serves the test pack's own business: its branding,
its help centre, its demo page and its conversations, through the CLI in a child process;
`relaydesk packs list` shows it installed and chosen beside the demo company.

The pack is installed the way pip installs any distribution, as far as discovery goes: a
`.dist-info` folder with its entry point on the child's path, next to the pack's package.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Iterator
from importlib.metadata import EntryPoint
from pathlib import Path

import httpx
import pytest

from relaydesk.pack import load_pack
from relaydesk.testing.fixtures import build_test_assistant
from support.services import free_port, shared_cache_dir

ENTRY = EntryPoint("bikeshop", "packs.bikeshop.pack:bikeshop_pack", "relaydesk.packs")
TESTS = Path(__file__).resolve().parents[1]  # where the `packs.bikeshop` package lives
RELAYDESK = Path(sys.executable).with_name("relaydesk")  # the installed console script


def install_metadata(site: Path) -> None:
    """What pip leaves behind for discovery: the distribution's metadata and entry point."""
    info = site / "relaydesk_bikeshop-0.1.0.dist-info"
    info.mkdir(parents=True)
    (info / "METADATA").write_text(
        "Metadata-Version: 2.1\nName: relaydesk-bikeshop\nVersion: 0.1.0\n", encoding="utf-8"
    )
    (info / "entry_points.txt").write_text(
        f"[relaydesk.packs]\nbikeshop = {ENTRY.value}\n", encoding="utf-8"
    )


def installed_env(tmp_path: Path) -> dict[str, str]:
    """A child's environment with the bikeshop pack installed and chosen."""
    return {
        **os.environ,
        "PYTHONPATH": os.pathsep.join([str(tmp_path / "site"), str(TESTS)]),
        "RELAYDESK_PACK": "bikeshop",
        "RELAYDESK_CACHE_DIR": str(shared_cache_dir()),
        "COLUMNS": "200",
    }


@pytest.fixture
def demo(tmp_path: Path) -> Iterator[str]:
    """The demo of the bikeshop pack on a free local port; its base URL."""
    build_test_assistant(load_pack("bikeshop", [ENTRY]), shared_cache_dir())  # models cached
    install_metadata(tmp_path / "site")
    port = free_port()
    env = installed_env(tmp_path)
    command = [str(RELAYDESK), "demo", "--port", str(port), "--data-dir", str(tmp_path / "var")]
    with open(tmp_path / "demo.log", "wb") as log:
        process = subprocess.Popen(command, env=env, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        wait_until_up(process, url, tmp_path / "demo.log")
        yield url
    finally:
        process.terminate()
        process.wait(timeout=30)


def wait_until_up(process: subprocess.Popen[bytes], url: str, log: Path) -> None:
    deadline = time.monotonic() + 180
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"the demo exited early:\n{log.read_text(errors='replace')}")
        try:
            if httpx.get(f"{url}/healthz", timeout=1).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    raise AssertionError(f"the demo did not come up:\n{log.read_text(errors='replace')}")


def say(http: httpx.Client, cid: str, token: str, text: str, key: str) -> str:
    reply = http.post(
        f"/v1/conversations/{cid}/messages",
        json={"text": text},
        headers={"Authorization": f"Bearer {token}", "Idempotency-Key": key},
    )
    assert reply.status_code == 200, reply.text
    return str(reply.json())


@pytest.mark.slow
def test_the_demo_of_another_pack_serves_its_branding_and_its_conversations(demo: str) -> None:
    with httpx.Client(base_url=demo, timeout=30) as http:
        assert http.get("/widget/i18n/en.json").json()["greeting"] == (
            "Hi! Ask me about your bike's repair."
        )
        assert "--rd-accent: #0b6e4f" in http.get("/widget.css").text
        assert "Ridgeway Bikes workshop help" in http.get("/help").text
        shop = http.get("/shop")
        assert shop.status_code == 200
        assert "Ridgeway Bikes workshop" in shop.text and "Signed in as Robin Rider" in shop.text

        started = http.post("/v1/conversations", json={"display_name": "Sam", "language": "en"})
        assert started.status_code in (200, 201), started.text
        cid, token = started.json()["conversation"]["id"], started.json()["token"]
        hours = say(http, cid, token, "what are your opening hours?", "k1")
        assert "/help/en/opening-hours" in hours
        asked = say(http, cid, token, "when is my bike ready?", "k2")
        assert "email address on your booking" in asked
        # the demo seeded the pack's own backend: Sam's chain repair is ready tomorrow
        answered = say(http, cid, token, "sam@example.com and BK-0002", "k3")
        assert "Your bike (BK-0002) will be ready on" in answered


def test_packs_list_shows_the_installed_test_pack_beside_the_demo_company(tmp_path: Path) -> None:
    install_metadata(tmp_path / "site")
    listed = subprocess.run(
        [str(RELAYDESK), "packs", "list"],
        env=installed_env(tmp_path),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert listed.returncode == 0, listed.stderr
    bikeshop = next(line for line in listed.stdout.splitlines() if " bikeshop " in line)
    assert "relaydesk-bikeshop" in bikeshop and "0.1.0" in bikeshop and "yes" in bikeshop
    assert any(" paylater " in line for line in listed.stdout.splitlines())
