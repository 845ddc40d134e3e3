"""The public HTTP API as simulated customers and agents use it, with a simulated clock.

Each call first notes (real time, simulated time) on the conversation's timeline, so that
the re-timing step can later move what the call stored onto the simulated week.
"""

from __future__ import annotations

import subprocess
import time
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx

from relaydesk.api.customer_auth import identity_signature


@dataclass
class Timeline:
    """Anchors (real, simulated) of the calls made in one conversation, in order."""

    anchors: list[tuple[datetime, datetime]] = field(default_factory=list)

    def mark(self, simulated: datetime) -> datetime:
        """Anchor a call about to be made; simulated time never runs slower than real time."""
        real = datetime.now(UTC)
        if self.anchors:
            last_real, last_sim = self.anchors[-1]
            simulated = max(simulated, last_sim + (real - last_real))
        self.anchors.append((real, simulated))
        return simulated

    @property
    def now(self) -> datetime:
        """The simulated time of the latest call, advanced by real time since."""
        last_real, last_sim = self.anchors[-1]
        return last_sim + (datetime.now(UTC) - last_real)


class ApiError(Exception):
    """The server refused a simulated call; carries its {code, message}."""

    def __init__(self, status: int, body: Any) -> None:
        detail = body if isinstance(body, dict) else {}
        super().__init__(f"{status} {detail.get('code', '')}: {detail.get('message', body)}")
        self.status = status
        self.code = str(detail.get("code", ""))


def _checked(response: httpx.Response) -> Any:
    if response.status_code >= 400:
        try:
            body = response.json()
        except ValueError:
            body = response.text
        raise ApiError(response.status_code, body)
    return response.json() if response.content else None


class CustomerClient:
    """One customer's conversation through /v1/conversations."""

    def __init__(self, http: httpx.Client, identity_secret: str) -> None:
        self.http = http
        self.identity_secret = identity_secret
        self.timeline = Timeline()
        self.conversation_id = ""
        self.token = ""

    @property
    def _auth(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"}

    def start(self, at: datetime, customer_ref: str, language: str, channel: str) -> None:
        self.timeline.mark(at)
        body = {
            "customer_ref": customer_ref,
            "customer_signature": identity_signature(self.identity_secret, customer_ref),
            "language": language,
            "channel": channel,
            "display_name": customer_ref,
        }
        started = _checked(self.http.post("/v1/conversations", json=body))
        self.conversation_id = started["conversation"]["id"]
        self.token = started["token"]

    def send(self, at: datetime, text: str) -> dict[str, Any]:
        self.timeline.mark(at)
        headers = {**self._auth, "Idempotency-Key": uuid.uuid4().hex}
        path = f"/v1/conversations/{self.conversation_id}/messages"
        result: dict[str, Any] = _checked(
            self.http.post(path, json={"text": text}, headers=headers)
        )
        return result

    def owner(self) -> str:
        found = _checked(
            self.http.get(f"/v1/conversations/{self.conversation_id}", headers=self._auth)
        )
        return str(found["owner"])

    def close(self, at: datetime) -> None:
        self.timeline.mark(at)
        path = f"/v1/conversations/{self.conversation_id}/close"
        _checked(self.http.post(path, headers=self._auth))

    def rate(self, at: datetime, score: int) -> None:
        self.timeline.mark(at)
        path = f"/v1/conversations/{self.conversation_id}/csat"
        _checked(self.http.post(path, json={"score": score}, headers=self._auth))


@dataclass(frozen=True)
class AgentLogin:
    agent_id: str
    token: str


class AgentClient:
    """A signed-in agent working one conversation through /v1/agent (bearer session)."""

    def __init__(self, http: httpx.Client, login: AgentLogin, timeline: Timeline) -> None:
        self.http = http
        self.headers = {"Authorization": f"Bearer {login.token}"}
        self.timeline = timeline

    def _post(self, at: datetime, path: str, body: dict[str, Any] | None = None) -> Any:
        self.timeline.mark(at)
        return _checked(self.http.post(f"/v1/agent{path}", json=body or {}, headers=self.headers))

    def claim(self, at: datetime, conversation_id: str) -> None:
        self._post(at, f"/conversations/{conversation_id}/claim")

    def reply(self, at: datetime, conversation_id: str, text: str) -> None:
        self._post(at, f"/conversations/{conversation_id}/messages", {"text": text})

    def pending_approval(self, conversation_id: str) -> str | None:
        found = _checked(self.http.get("/v1/agent/approvals", headers=self.headers))
        ids = [a["id"] for a in found if a.get("conversation_id") == conversation_id]
        return str(ids[0]) if ids else None

    def decide(self, at: datetime, approval_id: str, approve: bool) -> None:
        if approve:
            self._post(at, f"/approvals/{approval_id}/approve", {"reason": None})
        else:
            reason = "This is outside what our terms allow."
            self._post(at, f"/approvals/{approval_id}/reject", {"reason": reason})

    def hand_back(self, at: datetime, conversation_id: str) -> None:
        self._post(at, f"/conversations/{conversation_id}/hand-back", {"note": None})

    def close(self, at: datetime, conversation_id: str, disposition: str) -> None:
        body = {"disposition": disposition, "note": None}
        self._post(at, f"/conversations/{conversation_id}/close", body)


def login(http: httpx.Client, email: str, password: str) -> AgentLogin:
    found = _checked(http.post("/v1/agent/login", json={"email": email, "password": password}))
    return AgentLogin(agent_id=str(found["agent"]["id"]), token=str(found["token"]))


def wait_until_healthy(
    http: httpx.Client, timeout: float, process: subprocess.Popen[bytes] | None = None
) -> None:
    """Wait for /healthz; give up early if the server process has exited."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process is not None and process.poll() is not None:
            raise RuntimeError("The relaydesk server exited while starting; see its log.")
        try:
            if http.get("/healthz", timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    raise TimeoutError("The relaydesk server did not answer /healthz in time.")


def later(moment: datetime, low: float, high: float, rng: Any) -> datetime:
    """`moment` plus a random number of seconds in [low, high)."""
    return moment + timedelta(seconds=rng.uniform(low, high))
