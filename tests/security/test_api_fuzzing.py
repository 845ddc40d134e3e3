"""Fuzzing the OpenAPI spec with schemathesis, as a customer and as each agent role: no 5xx.

Path parameters that name a conversation or customer are pointed at real ones, so the
generated bodies reach the desks instead of stopping at a 404.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi import FastAPI
from sqlalchemy import Engine

from agents.helpers import FAST_HASHER
from relaydesk.api.app import create_app
from relaydesk.api.customer_auth import identity_signature
from relaydesk.assistant.engine import PackAssistant
from relaydesk.packs.paylater.backend.seed import seed_backend
from relaydesk.settings import Settings
from relaydesk.store.engine import make_engine
from relaydesk.store.migrate import upgrade
from security.web import sign_in_every_role, start_conversation
from support.demo import TODAY, assistant_on

# A dev dependency (pip install schemathesis); hypothesis comes with it.
schemathesis = pytest.importorskip("schemathesis", reason="schemathesis is not installed")
from hypothesis import HealthCheck, given, settings  # noqa: E402

EXCLUDED = {"/v1/agent/logout"}  # would sign the fuzzing roles out
EXAMPLES = int(os.environ.get("RELAYDESK_FUZZ_EXAMPLES", "6"))  # per operation and role


class Target:
    def __init__(self, app: FastAPI, headers: dict[str, dict[str, str]], ids: dict[str, str]):
        self.app = app
        self.headers = headers
        self.ids = ids


@pytest.fixture(scope="module")
def target(
    demo_assistant: PackAssistant, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Target]:
    from fastapi.testclient import TestClient

    folder = tmp_path_factory.mktemp("fuzz")
    url = f"sqlite:///{folder / 'relaydesk.sqlite3'}"
    engine: Engine = make_engine(url)
    upgrade(engine)
    seed_backend(engine, customers=0, today=TODAY)
    settings_ = Settings(
        database_url=url,
        data_dir=folder,
        environment="test",
        rate_limit_ip_per_minute=0,
        rate_limit_session_per_minute=0,
    )
    app = create_app(settings_, assistant_on(demo_assistant, engine))
    app.state.services.agents.hasher = FAST_HASHER
    with TestClient(app) as client:
        headers = sign_in_every_role(client)
        signature = identity_signature(settings_.identity_secret, "cust-alice")
        conversation, customer = start_conversation(
            client, customer_ref="cust-alice", customer_signature=signature
        )
        headers["customer"] = customer
        ids = {"conversation_id": conversation, "customer": conversation}
        yield Target(app, headers, ids)
    engine.dispose()


def fuzz(operation: Any, target: Target, problems: list[str], statuses: list[int]) -> None:
    """A few generated requests for one operation, sent as every role."""

    @given(case=operation.as_strategy())
    @settings(
        max_examples=EXAMPLES, deadline=None, database=None, suppress_health_check=list(HealthCheck)
    )
    def run(case: Any) -> None:
        for name, value in target.ids.items():
            if name in (case.path_parameters or {}):
                case.path_parameters[name] = value
        for role, headers in target.headers.items():
            response = case.call(headers=headers)
            statuses.append(response.status_code)
            if response.status_code >= 500:
                problems.append(
                    f"{role}: {case.method} {case.formatted_path} -> {response.status_code} "
                    f"{response.text[:200]}"
                )

    run()


def test_no_request_from_any_role_makes_the_server_fail(target: Target) -> None:
    schema = schemathesis.openapi.from_asgi("/openapi.json", target.app)
    problems: list[str] = []
    statuses: list[int] = []
    operations = [result.ok() for result in schema.get_all_operations()]
    fuzzed = [op for op in operations if op.path not in EXCLUDED]
    assert len(fuzzed) >= 30
    for operation in fuzzed:
        fuzz(operation, target, problems, statuses)
    assert problems == []
    # The fuzzing got past authentication and validation, into the desks.
    assert sum(200 <= status < 300 for status in statuses) >= 100
