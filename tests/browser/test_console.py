"""The agent console in real chromium: a customer escalates, an agent signs in, claims,
replies, approves a refund and hands the conversation back.

Screenshots of each step are kept under test-artifacts/browser/.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from relaydesk.bus.memory import MemoryBus
from relaydesk.desk.agents import AgentDesk
from relaydesk.desk.approvals import ApprovalDesk
from relaydesk.desk.routing import RoutingDesk
from relaydesk.domain.model import ConversationId
from relaydesk.store.agents import AgentStore
from relaydesk.store.approvals import ApprovalStore
from relaydesk.store.conversations import ConversationStore
from relaydesk.store.engine import make_engine
from relaydesk.store.queue import QueueStore
from support.server import ServerProcess

pytestmark = pytest.mark.browser

PASSWORD = "console test password"


class ServerDatabase:
    """The server's own SQLite file, opened beside it to set up what the test needs."""

    def __init__(self, server: ServerProcess) -> None:
        self.engine = make_engine(f"sqlite:///{server.data_dir / 'relaydesk.sqlite3'}")
        store, bus = ConversationStore(self.engine), MemoryBus()
        agents = AgentStore(self.engine)
        routing = RoutingDesk(store, QueueStore(self.engine), agents, bus)
        self.agents = AgentDesk(agents, "unused")
        # Stands in for the assistant, which proposes the refund it may not make alone.
        self.approvals = ApprovalDesk(store, ApprovalStore(self.engine), routing, bus)


@pytest.fixture
def database(server: ServerProcess) -> Iterator[ServerDatabase]:
    opened = ServerDatabase(server)
    yield opened
    opened.engine.dispose()


def customer_escalates(base: str) -> tuple[str, dict[str, str]]:
    started = httpx.post(f"{base}/v1/conversations", json={"display_name": "Alice"}).json()
    cid, auth = started["conversation"]["id"], {"Authorization": f"Bearer {started['token']}"}
    message = {"text": "I want my refund for the television, ORD-100004"}
    headers = {**auth, "Idempotency-Key": "m1"}
    httpx.post(f"{base}/v1/conversations/{cid}/messages", json=message, headers=headers)
    assert httpx.post(f"{base}/v1/conversations/{cid}/escalate", headers=auth).status_code == 200
    return cid, auth


def customer_texts(base: str, cid: str, auth: dict[str, str]) -> list[str]:
    events = httpx.get(f"{base}/v1/conversations/{cid}/events", headers=auth).json()["events"]
    return [event["text"] for event in events if event["text"]]


def shot(page: Any, artifacts_dir: Path, name: str) -> None:
    page.screenshot(path=str(artifacts_dir / f"console-{name}.png"), full_page=True)


def test_an_agent_claims_replies_approves_a_refund_and_hands_back_in_the_console(
    page: Any, server: ServerProcess, database: ServerDatabase, artifacts_dir: Path
) -> None:
    base = server.url
    database.agents.add_agent(email="maria@example.com", display_name="Maria", password=PASSWORD)
    cid, customer = customer_escalates(base)
    approval_id = database.approvals.propose(
        ConversationId(cid),
        "refund_order",
        {"order_id": "ORD-100004", "amount": "1249.00", "currency": "EUR"},
        "Refund 1,249.00 EUR for ORD-100004",
    )

    page.goto(f"{base}/console")
    page.get_by_label("Email").fill("maria@example.com")
    page.get_by_label("Password").fill(PASSWORD)
    shot(page, artifacts_dir, "01-sign-in")
    page.get_by_role("button", name="Sign in").click()
    row = page.locator(f'tr[data-conversation="{cid}"]')
    row.wait_for(timeout=15_000)  # the routing loop queues it; the panel refreshes itself
    shot(page, artifacts_dir, "02-queue")

    row.get_by_role("button", name="Claim").click()
    page.wait_for_url(f"**/console/conversations/{cid}")
    assert page.get_by_test_id("owner").inner_text() == "agent"
    summary = page.get_by_test_id("summary")
    assert "ORD-100004" in summary.inner_text() and "Decide the pending approval" in (
        summary.inner_text()
    )
    page.locator("#live.on").wait_for()

    follow_up = {"text": "Are you there?"}
    headers = {**customer, "Idempotency-Key": "m2"}
    httpx.post(f"{base}/v1/conversations/{cid}/messages", json=follow_up, headers=headers)
    page.locator("#transcript").get_by_text("Are you there?").wait_for()  # live, no reload

    page.get_by_label("Reply to the customer").fill("Hi Alice, Maria here. Looking at it now.")
    page.get_by_role("button", name="Send reply").click()
    page.locator("#transcript .source-agent").get_by_text("Maria here").wait_for()
    assert "Hi Alice, Maria here. Looking at it now." in customer_texts(base, cid, customer)
    shot(page, artifacts_dir, "03-conversation")

    page.locator(f'[data-approval="{approval_id}"]').get_by_role("button", name="Approve").click()
    page.locator(f'[data-approval="{approval_id}"].status-approved').wait_for()
    assert any("approved" in text for text in customer_texts(base, cid, customer))
    shot(page, artifacts_dir, "04-approved")

    page.get_by_role("button", name="Hand back to the assistant").click()
    page.wait_for_url(f"{base}/console")
    owner = httpx.get(f"{base}/v1/conversations/{cid}", headers=customer).json()["owner"]
    assert owner == "assistant"
    assert "You are back with our assistant" in " ".join(customer_texts(base, cid, customer))
    shot(page, artifacts_dir, "05-handed-back")
