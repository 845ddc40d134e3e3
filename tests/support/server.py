"""A real relaydesk server in a child process, for crash and websocket tests."""

from __future__ import annotations

import functools
import os
import signal
import subprocess
import sys
import time
from collections.abc import Sequence
from pathlib import Path

import httpx

from support.services import free_port, shared_cache_dir


@functools.cache
def ensure_models_cached() -> None:
    """Train the demo models into the shared cache once, so servers start in seconds."""
    from relaydesk.packs.paylater.pack import paylater_pack
    from relaydesk.testing.fixtures import build_test_assistant

    build_test_assistant(paylater_pack(), shared_cache_dir())


class ServerProcess:
    def __init__(
        self,
        data_dir: Path,
        env: dict[str, str] | None = None,
        serve_args: Sequence[str] = (),
        command: str = "serve",  # or "demo": migrates, seeds the pack's backend, serves
    ) -> None:
        self.data_dir = data_dir
        self.command = command
        # One process unless a test asks for more (serve's default is one per core).
        self.serve_args = list(serve_args) or ["--workers", "1"]
        self.port = free_port()
        self.env = {
            **os.environ,
            "RELAYDESK_DATA_DIR": str(data_dir),
            "RELAYDESK_CACHE_DIR": str(shared_cache_dir()),
            **(env or {}),
        }
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self, timeout: float = 60.0) -> None:
        if self.env.get("RELAYDESK_ASSISTANT", "pack") == "pack":
            ensure_models_cached()
        log = open(self.data_dir / f"server-{self.port}.log", "ab")  # noqa: SIM115
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "relaydesk",
                *self._arguments(),
            ],
            env=self.env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        log.close()
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"The server exited early; see {log.name}")
            try:
                if httpx.get(f"{self.url}/healthz", timeout=1).status_code == 200:
                    return
            except httpx.HTTPError:
                time.sleep(0.1)
        raise RuntimeError("The server did not become healthy in time.")

    def _arguments(self) -> list[str]:
        if self.command == "demo":  # the demo takes its port from the settings
            self.env["RELAYDESK_PORT"] = str(self.port)
            return ["demo"]
        return [self.command, "--port", str(self.port), *self.serve_args]

    def kill(self) -> None:
        """SIGKILL: no shutdown hooks, no flushing, as a crash would be."""
        assert self.process is not None
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(timeout=10)

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)


def seed_demo_database(data_dir: Path) -> str:
    """Migrate a fresh SQLite file in `data_dir` and seed the demo backend; return its URL."""
    from relaydesk.packs.paylater.backend.seed import seed_backend
    from relaydesk.store.engine import make_engine
    from relaydesk.store.migrate import upgrade

    url = f"sqlite:///{data_dir / 'relaydesk.sqlite3'}"
    engine = make_engine(url)
    try:
        upgrade(engine)
        seed_backend(engine)
    finally:
        engine.dispose()
    return url
