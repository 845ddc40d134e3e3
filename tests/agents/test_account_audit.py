from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest

from agents.helpers import FAST_HASHER
from relaydesk.desk.agents import AgentDesk
from relaydesk.domain.agents import Role
from relaydesk.domain.errors import Unauthorized
from relaydesk.security.audit import AuditLog
from relaydesk.store.agents import AgentStore
from relaydesk.store.engine import make_engine
from relaydesk.store.migrate import upgrade


@pytest.fixture
def desk_and_audit(database_url: str) -> Iterator[tuple[AgentDesk, AuditLog]]:
    engine = make_engine(database_url)
    upgrade(engine)
    audit = AuditLog(engine)
    yield AgentDesk(AgentStore(engine), "secret", hasher=FAST_HASHER, audit=audit), audit
    engine.dispose()


def test_account_changes_and_sign_ins_are_in_the_audit_trail(
    desk_and_audit: tuple[AgentDesk, AuditLog],
) -> None:
    desk, audit = desk_and_audit
    admin = desk.add_agent(
        email="ada@example.com", display_name="Ada", password="long enough pw", role=Role.ADMIN
    )
    maja = desk.add_agent_as(
        admin, email="maja@example.com", display_name="Maja", password="long enough pw"
    )
    desk.login("maja@example.com", "long enough pw")
    with pytest.raises(Unauthorized):
        desk.login("maja@example.com", "wrong password")
    desk.set_active_as(admin, maja.id, False)
    since = datetime.now(UTC) - timedelta(minutes=5)
    trail = [(e.action, e.actor_id, e.subject, e.decision) for e in audit.recorded(since)]
    assert trail == [
        ("agent.create", admin.id, maja.id, None),
        ("agent.sign_in", maja.id, maja.id, "allowed"),
        ("agent.sign_in", maja.id, maja.id, "refused"),
        ("agent.disable", admin.id, maja.id, None),
    ]
