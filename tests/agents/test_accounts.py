"""Agent accounts and sign-in: hashed passwords, sessions, lockout after repeated failures."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from agents.helpers import PASSWORD, Desks
from relaydesk.desk.agents import TooManyAttempts
from relaydesk.domain.errors import InvalidInput, Unauthorized
from relaydesk.store.tables import agents


def test_passwords_are_stored_only_as_argon2_hashes(desks: Desks) -> None:
    desks.add("Maria")
    with desks.store.engine.connect() as conn:
        stored = conn.execute(select(agents.c.password_hash)).scalar_one()
    assert stored.startswith("$argon2id$") and PASSWORD not in stored


def test_a_session_ends_at_logout_and_when_the_account_is_disabled(desks: Desks) -> None:
    maria = desks.add("Maria")
    first = desks.agents.login("maria@example.com", PASSWORD)
    second = desks.agents.login("MARIA@example.com", PASSWORD)
    desks.agents.logout(first)
    with pytest.raises(Unauthorized):
        desks.agents.authenticate(first.token)
    assert desks.agents.authenticate(second.token).agent.id == maria.id
    desks.agents.set_active(maria.id, False)
    with pytest.raises(Unauthorized):
        desks.agents.authenticate(second.token)
    with pytest.raises(Unauthorized):
        desks.agents.login("maria@example.com", PASSWORD)


def test_sessions_expire(desks: Desks) -> None:
    desks.add("Maria")
    session = desks.agents.login("maria@example.com", PASSWORD)
    desks.clock.advance(13 * 3600)
    with pytest.raises(Unauthorized):
        desks.agents.authenticate(session.token)


def test_repeated_wrong_passwords_slow_down_the_address_that_sent_them(desks: Desks) -> None:
    desks.add("Maria")
    for _ in range(10):
        with pytest.raises((Unauthorized, TooManyAttempts)):
            desks.agents.login("maria@example.com", "guess", "203.0.113.9")
    with pytest.raises(TooManyAttempts):
        desks.agents.login("maria@example.com", PASSWORD, "203.0.113.9")
    desks.clock.advance(16 * 60)
    signed_in = desks.agents.login("maria@example.com", PASSWORD, "203.0.113.9")
    assert signed_in.agent.email == "maria@example.com"


def test_weak_accounts_are_refused(desks: Desks) -> None:
    with pytest.raises(InvalidInput):
        desks.agents.add_agent(email="no-at-sign", display_name="X", password=PASSWORD)
    with pytest.raises(InvalidInput):
        desks.agents.add_agent(email="x@example.com", display_name="X", password="short")
