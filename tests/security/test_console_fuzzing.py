"""Fuzzing the console's and dashboard's own routes, which the OpenAPI spec leaves out.

Generated form fields and query strings are posted with a supervisor's session cookie and,
for writes, with the session's CSRF token or a wrong one: the answer is a page, a redirect or
a 4xx, never a server error.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from relaydesk.domain.agents import Role
from security.web import app_client, start_conversation

hypothesis = pytest.importorskip("hypothesis", reason="hypothesis comes with schemathesis")
from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

EXAMPLES = int(os.environ.get("RELAYDESK_FUZZ_EXAMPLES", "6")) * 5
PASSWORD = "fuzzing the console"

any_text = st.text(max_size=300) | st.sampled_from(["", "{}", "[]", "null", "\x00", "é" * 50])
json_like = (
    st.recursive(
        st.none() | st.booleans() | st.integers() | st.text(max_size=20),
        lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner),
        max_leaves=6,
    ).map(repr)
    | any_text
)
FORMS: dict[str, dict[str, st.SearchStrategy[str]]] = {
    "/console/presence": {"status": st.sampled_from(["online", "away", "offline"]) | any_text},
    "/console/conversations/{cid}/claim": {},
    "/console/conversations/{cid}/release": {},
    "/console/conversations/{cid}/reply": {"text": any_text, "idempotency_key": any_text},
    "/console/conversations/{cid}/note": {"text": any_text},
    "/console/conversations/{cid}/hand-back": {"note": any_text},
    "/console/conversations/{cid}/close": {"disposition": any_text, "note": any_text},
    "/console/conversations/{cid}/tool": {"tool": any_text, "params": json_like},
    "/console/approvals/{any}/{any}": {"back": any_text, "reason": any_text},
    "/console/login": {"email": any_text, "password": any_text},
}
PAGES = [
    "/console",
    "/console/panel",
    "/console/conversations/{any}",
    "/dashboard",
    "/v1/dashboard/report",
    "/v1/dashboard/report.csv",
]


class Console:
    def __init__(self, client: TestClient, csrf: str, conversation: str) -> None:
        self.client = client
        self.csrf = csrf
        self.conversation = conversation


@pytest.fixture(scope="module")
def console(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Console]:
    folder: Path = tmp_path_factory.mktemp("console-fuzz")
    limits = {"rate_limit_ip_per_minute": 0, "rate_limit_session_per_minute": 0}
    with app_client(folder, **limits) as client:
        client.app.state.services.agents.add_agent(  # type: ignore[attr-defined]
            email="sup@example.com", display_name="Sup", password=PASSWORD, role=Role.SUPERVISOR
        )
        client.follow_redirects = False
        conversation, customer = start_conversation(client)
        client.post(f"/v1/conversations/{conversation}/escalate", headers=customer)
        login = client.post(
            "/v1/agent/login", json={"email": "sup@example.com", "password": PASSWORD}
        )
        assert login.status_code == 200, login.text
        yield Console(client, login.json()["csrf_token"], conversation)


def fill(path: str, console: Console, draw: Any) -> str:
    """Path segments: the real conversation, or any id a URL segment can hold."""
    segment = st.sampled_from([console.conversation, "approve", "reject"]) | st.from_regex(
        r"[A-Za-z0-9_.~-]{1,300}", fullmatch=True
    )
    path = path.replace("{cid}", console.conversation)
    while "{any}" in path:
        path = path.replace("{any}", draw(segment), 1)
    return path


def test_no_console_form_or_dashboard_query_makes_the_server_fail(console: Console) -> None:
    problems: list[str] = []
    accepted: list[str] = []

    @given(data=st.data())
    @settings(
        max_examples=EXAMPLES, deadline=None, database=None, suppress_health_check=list(HealthCheck)
    )
    def run(data: Any) -> None:
        path, fields = data.draw(st.sampled_from(sorted(FORMS.items())))
        form = {name: data.draw(strategy) for name, strategy in fields.items()}
        form["csrf_token"] = data.draw(st.sampled_from([console.csrf, "", "forged"]))
        target = fill(path, console, data.draw)
        posted = console.client.post(target, data=form)
        if posted.status_code < 400:
            accepted.append(target)
        if posted.status_code >= 500:
            problems.append(f"POST {target} {form!r} -> {posted.status_code}")
        page = fill(data.draw(st.sampled_from(PAGES)), console, data.draw)
        query = data.draw(
            st.dictionaries(
                st.sampled_from(["since", "until", "language", "intent", "channel", "table"]),
                any_text,
                max_size=4,
            )
        )
        read = console.client.get(page, params=query)
        if read.status_code >= 500:
            problems.append(f"GET {page} {query!r} -> {read.status_code}")

    run()
    assert problems == []
    assert accepted  # some forms got past the CSRF check and validation, into the desks
