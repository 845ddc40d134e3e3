"""Fixtures for the human side: the desks over a real SQLite file or PostgreSQL schema."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from agents.helpers import FAST_HASHER, Clock, Desks
from relaydesk.api.app import create_app
from relaydesk.assistant.turn import AcknowledgingAssistant
from relaydesk.bus.memory import MemoryBus
from relaydesk.desk.agent_work import AgentWorkDesk
from relaydesk.desk.agents import AgentDesk
from relaydesk.desk.approvals import ApprovalDesk
from relaydesk.desk.routing import RoutingDesk, RoutingPolicy
from relaydesk.security.login_throttle import LoginThrottle
from relaydesk.security.stored_attempts import StoredAttempts
from relaydesk.settings import Settings
from relaydesk.store.agents import AgentStore
from relaydesk.store.approvals import ApprovalStore
from relaydesk.store.conversations import ConversationStore
from relaydesk.store.engine import make_engine
from relaydesk.store.migrate import upgrade
from relaydesk.store.queue import QueueStore


@pytest.fixture
def desks(database_url: str) -> Iterator[Desks]:
    engine = make_engine(database_url)
    upgrade(engine)
    clock = Clock()
    store, bus = ConversationStore(engine), MemoryBus()
    agent_store, queue, approvals = AgentStore(engine), QueueStore(engine), ApprovalStore(engine)
    policy = RoutingPolicy(presence_timeout=timedelta(seconds=30), relax_after=timedelta(minutes=5))
    routing = RoutingDesk(store, queue, agent_store, bus, policy=policy, clock=clock)
    yield Desks(
        store=store,
        agent_store=agent_store,
        queue=queue,
        agents=AgentDesk(
            agent_store, "test-secret", hasher=FAST_HASHER, clock=clock,
            throttle=LoginThrottle(StoredAttempts(engine)),  # as the app wires it
        ),
        routing=routing,
        work=AgentWorkDesk(store, routing, queue, approvals, bus),
        approvals=ApprovalDesk(store, approvals, routing, bus),
        clock=clock,
    )
    engine.dispose()


@pytest.fixture
def client(database_url: str, tmp_path: Path) -> Iterator[TestClient]:
    """The whole app (customer, agent, admin and console) on a real database."""
    engine = make_engine(database_url)
    upgrade(engine)
    engine.dispose()
    settings = Settings(
        database_url=database_url, data_dir=tmp_path, environment="test", assistant="acknowledge"
    )
    app = create_app(settings, AcknowledgingAssistant())
    app.state.services.agents.hasher = FAST_HASHER
    with TestClient(app) as test_client:
        yield test_client
