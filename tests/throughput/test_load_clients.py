"""bench/load.py's customers against a real demo server: the figures docs/performance.md
quotes come from these clients, so they must take real turns, over HTTP and the websocket."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from support.aio import run_isolated
from support.bench_scripts import load_script
from support.server import ServerProcess

load = load_script("load")
clients = load_script("load_clients")

SECRET = "load-clients-secret"


@pytest.fixture(scope="module")
def demo_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerProcess]:
    data_dir: Path = tmp_path_factory.mktemp("load-clients")
    env = {
        "RELAYDESK_IDENTITY_SECRET": SECRET,
        "RELAYDESK_RATE_LIMIT_IP_PER_MINUTE": "0",
        "RELAYDESK_RATE_LIMIT_SESSION_PER_MINUTE": "0",
    }
    server = ServerProcess(data_dir, env=env, command="demo")
    server.start()
    try:
        yield server
    finally:
        server.stop()


async def closed_loop(url: str, transport: str, signed_share: float) -> object:
    target = clients.Target(url, transport, signed_share, SECRET)
    async with target:
        return await load.closed_loop(target, customers=2, seconds=2.0, seed=3, part="test")


@pytest.mark.parametrize("transport", ["http", "ws"])
def test_customers_take_turns_signed_and_anonymous_without_errors(
    demo_server: ServerProcess, transport: str
) -> None:
    tally = run_isolated(closed_loop(demo_server.url, transport, signed_share=0.5))
    assert not tally.errors, tally.errors
    assert len(tally.latencies_ms) >= 4  # two customers, two seconds, turns in milliseconds


def test_a_wrong_identity_secret_is_counted_as_an_error_not_a_turn(
    demo_server: ServerProcess,
) -> None:
    async def run() -> object:
        target = clients.Target(demo_server.url, "http", 1.0, "not-the-secret")
        async with target:
            return await load.closed_loop(target, customers=1, seconds=0.5, seed=4, part="bad")

    tally = run_isolated(run())
    assert tally.latencies_ms == []
    assert set(tally.errors) == {"start: RuntimeError"}


def test_a_comparison_alternates_the_two_sides_pair_by_pair(
    demo_server: ServerProcess, capsys: pytest.CaptureFixture[str]
) -> None:
    args = load.parse_args(["closed", "--url", demo_server.url, "--repeats", "2"])
    args.seconds, args.warmup_seconds, args.identity_secret = 1.0, 0.2, SECRET

    async def run() -> None:
        sides = [load.Side(name, load.target(args, demo_server.url), []) for name in "AB"]
        async with sides[0].target, sides[1].target:
            await load.compared_runs(args, sides, customers=2)

    run_isolated(run())
    out = capsys.readouterr().out
    runs = [
        line.split(", load average")[0].split("http, ")[1]
        for line in out.splitlines()
        if line.startswith("closed loop")
    ]
    assert runs == ["A, pair 1", "B, pair 1", "B, pair 2", "A, pair 2"]
    assert out.count("errors    0") == 4  # each run's line
    assert "A over B, 2 customers, median of 2 pairs" in out
