"""Wrong passwords slow the guesser down; they never lock the real person out."""

from __future__ import annotations

from datetime import timedelta

import pytest

from agents.helpers import FAST_HASHER, PASSWORD, Desks
from relaydesk.desk.agents import AgentDesk, TooManyAttempts
from relaydesk.domain.errors import Unauthorized
from relaydesk.security.audit import AuditLog
from relaydesk.security.login_throttle import LoginThrottle
from relaydesk.security.stored_attempts import StoredAttempts
from relaydesk.store.agents import AgentStore
from relaydesk.store.engine import make_engine

GUESSER = "203.0.113.9"
OFFICE = "198.51.100.4"


def guess(
    desks: Desks, times: int, address: str = GUESSER, email: str = "maria@example.com"
) -> None:
    for _ in range(times):
        with pytest.raises(Unauthorized):
            desks.agents.login(email, "wrong password", address)


def wait_asked(desks: Desks, address: str = GUESSER) -> int:
    with pytest.raises(TooManyAttempts) as refused:
        desks.agents.login("maria@example.com", "wrong password", address)
    return refused.value.wait_seconds


def test_a_hundred_wrong_passwords_from_one_address_leave_the_agent_free_to_sign_in(
    desks: Desks,
) -> None:
    desks.add("Maria")
    for _ in range(100):  # the guesser waits out each delay and tries again
        try:
            desks.agents.login("maria@example.com", "wrong password", GUESSER)
        except TooManyAttempts as refused:
            desks.clock.advance(refused.wait_seconds)
        except Unauthorized:
            pass
    session = desks.agents.login("maria@example.com", PASSWORD, OFFICE)
    assert session.agent.email == "maria@example.com"


def test_delays_double_after_the_free_attempts_and_are_forgotten_after_success(
    desks: Desks,
) -> None:
    desks.add("Maria")
    guess(desks, 5)
    waits = []
    for _ in range(4):
        guess(desks, 1)
        waits.append(wait_asked(desks))
        desks.clock.advance(waits[-1])
    assert waits == [1, 2, 4, 8]
    desks.agents.login("maria@example.com", PASSWORD, GUESSER)
    guess(desks, 6)  # counting starts again
    assert wait_asked(desks) == 1


def test_one_address_trying_many_accounts_is_slowed_down_too(desks: Desks) -> None:
    for n in range(21):
        guess(desks, 1, email=f"nobody{n}@example.com")
    with pytest.raises(TooManyAttempts):
        desks.agents.login("someone-else@example.com", "whatever", GUESSER)
    desks.add("Maria")
    assert desks.agents.login("maria@example.com", PASSWORD, OFFICE).agent.display_name == "Maria"


def test_guessing_from_many_addresses_delays_the_account_a_minute_at_most(
    desks: Desks,
) -> None:
    desks.add("Maria")
    waits = []
    for n in range(200):
        try:
            desks.agents.login("maria@example.com", "wrong password", f"10.0.0.{n}")
        except TooManyAttempts as refused:
            waits.append(refused.wait_seconds)
            desks.clock.advance(refused.wait_seconds)
        except Unauthorized:
            pass
    assert waits and max(waits) == 60
    desks.clock.advance(61)
    assert desks.agents.login("maria@example.com", PASSWORD, OFFICE).agent.display_name == "Maria"


def test_throttled_attempts_are_audited_with_their_address(desks: Desks) -> None:
    maria = desks.add("Maria")
    desks.agents.audit = audit = AuditLog(desks.store.engine)
    guess(desks, 6)
    wait_asked(desks)
    since = desks.clock() - timedelta(hours=1)
    entries = [e for e in audit.recorded(since) if e.subject == maria.id]
    decisions = [e.decision for e in entries]
    assert decisions.count("refused") == 6
    assert decisions.count("throttled") == 1
    assert all(e.details["address"] == GUESSER for e in entries)


def test_a_guessers_delay_holds_in_every_server_process(desks: Desks, database_url: str) -> None:
    desks.add("Maria")
    guess(desks, 6)
    # Another process: its own engine and desk on the same database.
    engine = make_engine(database_url)
    try:
        other = AgentDesk(
            AgentStore(engine), "test-secret", hasher=FAST_HASHER, clock=desks.clock,
            throttle=LoginThrottle(StoredAttempts(engine)),
        )
        with pytest.raises(TooManyAttempts):
            other.login("maria@example.com", PASSWORD, GUESSER)
        assert other.login("maria@example.com", PASSWORD, OFFICE).agent.email == (
            "maria@example.com"
        )
    finally:
        engine.dispose()
