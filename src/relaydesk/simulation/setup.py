"""What a simulation needs before traffic starts: agent accounts, the demo data, a server."""

from __future__ import annotations

import hashlib
import hmac
import os
import socket
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
from sqlalchemy import Engine

from relaydesk.desk.agents import AgentDesk
from relaydesk.domain.agents import Role
from relaydesk.settings import Settings
from relaydesk.simulation.client import wait_until_healthy
from relaydesk.store.agents import AgentStore

AGENT_DOMAIN = "simulation.relaydesk.invalid"


def agent_email(index: int) -> str:
    return f"agent-{index + 1:02d}@{AGENT_DOMAIN}"


def agent_password(secret_key: str) -> str:
    """Derived from the server's secret: stable across runs, unknown without the secret."""
    return hmac.new(secret_key.encode(), b"simulation-agent", hashlib.sha256).hexdigest()


def ensure_agents(
    engine: Engine, secret_key: str, count: int, capacity: int, skills: tuple[str, ...] = ()
) -> list[str]:
    """Create the simulated agents that are missing and (re)set their password; their emails.

    They have every skill the pack asks for, so any escalation can reach one of them.
    """
    store = AgentStore(engine)
    desk = AgentDesk(store, secret_key)
    password = agent_password(secret_key)
    existing = {account.email: account for account in store.all()}
    emails = [agent_email(index) for index in range(count)]
    for index, email in enumerate(emails):
        if email in existing:
            store.set_password_hash(existing[email].id, desk.hasher.hash(password))
            continue
        desk.add_agent(
            email=email,
            display_name=f"Sim agent {index + 1}",
            password=password,
            role=Role.AGENT,
            skills=skills,
            capacity=capacity,
        )
    return emails


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _start_server(settings: Settings, log_path: Path) -> tuple[subprocess.Popen[bytes], str]:
    port = free_port()
    env = {
        **os.environ,
        "RELAYDESK_DATA_DIR": str(settings.data_dir),
        "RELAYDESK_CACHE_DIR": str(settings.resolved_cache_dir),
        "RELAYDESK_DATABASE_URL": settings.resolved_database_url,
        # Thousands of simulated customers arrive from this one address; the per-IP abuse
        # limit would turn them away. The per-conversation limit stays on.
        "RELAYDESK_RATE_LIMIT_IP_PER_MINUTE": "0",
    }
    log_path.parent.mkdir(parents=True, exist_ok=True)
    with open(log_path, "ab") as log:
        process = subprocess.Popen(
            # one worker each: the simulator starts one server per core itself
            [sys.executable, "-m", "relaydesk", "serve", "--port", str(port), "--workers", "1"],
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    return process, f"http://127.0.0.1:{port}"


def _stop(process: subprocess.Popen[bytes]) -> None:
    process.terminate()
    try:
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=15)


@contextmanager
def local_servers(settings: Settings, count: int, log_path: Path) -> Iterator[list[str]]:
    """`count` x `relaydesk serve` on free local ports, one database; yields their URLs.

    Several processes use several cores, as N API processes behind a load balancer would.
    """
    started = [_start_server(settings, log_path) for _ in range(count)]
    try:
        for process, url in started:
            with httpx.Client(base_url=url) as http:
                wait_until_healthy(http, timeout=600, process=process)
        yield [url for _process, url in started]
    finally:
        for process, _url in started:
            _stop(process)
