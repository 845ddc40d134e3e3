"""Presence is per agent, sessions per device: signing out of one leaves the others' presence."""

from __future__ import annotations

from agents.helpers import PASSWORD, Desks
from relaydesk.domain.agents import Presence


def test_signing_out_of_one_session_keeps_presence_while_another_is_live(desks: Desks) -> None:
    maria = desks.add("Maria")
    laptop = desks.agents.login("maria@example.com", PASSWORD)
    phone = desks.agents.login("maria@example.com", PASSWORD)
    desks.agents.set_presence(maria, Presence.ONLINE)

    desks.agents.logout(phone)
    assert desks.agents.status(maria).presence is Presence.ONLINE
    assert desks.agents.authenticate(laptop.token).agent.id == maria.id

    desks.agents.logout(laptop)
    assert desks.agents.status(maria).presence is Presence.OFFLINE


def test_an_expired_other_session_does_not_keep_the_agent_online(desks: Desks) -> None:
    maria = desks.add("Maria")
    desks.agents.login("maria@example.com", PASSWORD)
    desks.clock.advance(13 * 3600)  # the first session has expired
    current = desks.agents.login("maria@example.com", PASSWORD)
    desks.agents.set_presence(maria, Presence.ONLINE)
    desks.agents.logout(current)
    assert desks.agents.status(maria).presence is Presence.OFFLINE


def test_signing_in_on_a_second_device_does_not_demote_an_online_agent(desks: Desks) -> None:
    maria = desks.add("Maria")
    desks.agents.login("maria@example.com", PASSWORD)
    assert desks.agents.status(maria).presence is Presence.AWAY
    desks.agents.set_presence(maria, Presence.ONLINE)
    desks.agents.login("maria@example.com", PASSWORD)
    assert desks.agents.status(maria).presence is Presence.ONLINE
