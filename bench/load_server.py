"""A relaydesk server for the load benchmark: migrated, the demo backend seeded, limits off."""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path

import httpx
from load_procs import process_tree, server_cpu_seconds
from sqlalchemy import create_engine, text

from relaydesk.packs.paylater.backend.seed import seed_backend
from relaydesk.store.engine import make_engine
from relaydesk.store.migrate import upgrade

_RAISED = re.compile(r"[A-Za-z_][\w.]*(?:Error|Exception)\b")  # a traceback's last line


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass
class ServerUnderTest:
    process: subprocess.Popen[bytes]
    url: str
    folder: tempfile.TemporaryDirectory[str]
    schema_cleanup: list[str] = field(default_factory=list)  # [admin url, schema] on PostgreSQL

    @property
    def pid(self) -> int:
        return self.process.pid

    def logged_errors(self) -> list[str]:
        """The server log's error lines: a turn whose tool failed still answers HTTP 200."""
        log = Path(self.folder.name) / "server.log"
        lines = log.read_text(errors="replace").splitlines() if log.exists() else []
        return [line for line in lines if "ERROR" in line or _RAISED.match(line)]

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=10)
        if self.schema_cleanup:
            admin_url, schema = self.schema_cleanup
            admin = create_engine(admin_url)
            with admin.begin() as conn:
                conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
            admin.dispose()
        self.folder.cleanup()


def prepare_database(url: str) -> None:
    engine = make_engine(url)
    try:
        upgrade(engine)
        seed_backend(engine, customers=200)
    finally:
        engine.dispose()


def prepare_with(server_src: Path | None, url: str) -> None:
    """Migrate and seed with the server's own code: another version's `src`, if given."""
    if server_src is None:
        prepare_database(url)
        return
    env = {**os.environ, "PYTHONPATH": str(server_src)}
    subprocess.run([sys.executable, __file__, url], env=env, check=True)


def start_server(
    kind: str,
    workers: int,
    postgres_url: str,
    redis_url: str,
    identity_secret: str,
    server_src: Path | None = None,
) -> ServerUnderTest:
    """Start `relaydesk serve` on a free port with a fresh SQLite file or PostgreSQL schema;
    `server_src`: another version's `src` folder to serve, for before-and-after runs."""
    folder = tempfile.TemporaryDirectory(prefix="relaydesk-load-")
    env = {
        **os.environ,
        **({"PYTHONPATH": str(server_src)} if server_src is not None else {}),
        "RELAYDESK_DATA_DIR": folder.name,
        "RELAYDESK_IDENTITY_SECRET": identity_secret,
        "RELAYDESK_RATE_LIMIT_IP_PER_MINUTE": "0",
        "RELAYDESK_RATE_LIMIT_SESSION_PER_MINUTE": "0",
    }
    env.setdefault("RELAYDESK_PACK", "paylater")  # the demo backend this benchmark seeds
    cleanup: list[str] = []
    if kind == "postgres":
        schema = f"load_{uuid.uuid4().hex[:10]}"
        admin = create_engine(postgres_url)
        with admin.begin() as conn:
            conn.execute(text(f'CREATE SCHEMA "{schema}"'))
        admin.dispose()
        env["RELAYDESK_DATABASE_URL"] = f"{postgres_url}?options=-csearch_path%3D{schema}"
        env["RELAYDESK_REDIS_URL"] = redis_url
        cleanup = [postgres_url, schema]
        prepare_with(server_src, env["RELAYDESK_DATABASE_URL"])
    else:
        env.pop("RELAYDESK_DATABASE_URL", None)
        env.pop("RELAYDESK_REDIS_URL", None)
        prepare_with(server_src, f"sqlite:///{Path(folder.name) / 'relaydesk.sqlite3'}")
    port = free_port()
    log = open(Path(folder.name) / "server.log", "ab")  # noqa: SIM115
    command = [sys.executable, "-m", "relaydesk", "serve", "--port", str(port)]
    process = subprocess.Popen(
        [*command, "--workers", str(workers)], env=env, stdout=log, stderr=subprocess.STDOUT
    )
    log.close()
    server = ServerUnderTest(process, f"http://127.0.0.1:{port}", folder, cleanup)
    wait_until_healthy(server)
    return server


def wait_until_healthy(server: ServerUnderTest, timeout: float = 240) -> None:
    """Healthy, and every server process done loading its models (its CPU time stands still:
    a worker still loading accepts no connection, so /healthz alone cannot tell)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            log = (Path(server.folder.name) / "server.log").read_text()[-2000:]
            raise RuntimeError(f"The server exited early:\n{log}")
        try:
            if httpx.get(f"{server.url}/healthz", timeout=2).status_code == 200 and idle(
                server.pid
            ):
                return
        except httpx.HTTPError:
            time.sleep(0.25)
    server.stop()
    raise RuntimeError("The server did not become healthy in time.")


def idle(pid: int, window_s: float = 1.0) -> bool:
    pids = process_tree([pid])
    before = server_cpu_seconds(pids) or 0.0
    time.sleep(window_s)
    return (server_cpu_seconds(pids) or 0.0) - before < 0.1 * len(pids)


if __name__ == "__main__":  # prepare_with's subprocess, on another version's code
    prepare_database(sys.argv[1])
