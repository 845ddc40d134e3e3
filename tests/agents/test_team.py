"""The team managed in the web: role limits, profile changes routing reads, hand assignment."""

from __future__ import annotations

import pytest

from agents.helpers import PASSWORD, Desks
from relaydesk.desk.team import TeamDesk
from relaydesk.domain.agents import AtCapacity, Role
from relaydesk.domain.errors import Forbidden, InvalidInput
from relaydesk.domain.model import Owner


def team(desks: Desks) -> TeamDesk:
    return TeamDesk(desks.agents, desks.routing)


def test_a_supervisor_adds_and_changes_agents_but_not_supervisors(desks: Desks) -> None:
    boss, desk = desks.add("Boss", role=Role.SUPERVISOR), team(desks)
    ola = desk.add(
        boss,
        email="ola@example.com",
        display_name="Ola",
        password=PASSWORD,
        role=Role.AGENT,
        skills=["Payments "],
        languages=["sv"],
        capacity=2,
    )
    assert ola.skills == frozenset({"payments"}) and ola.capacity == 2
    changed = desk.update(boss, ola.id, ["fraud"], ["sv", "fi"], 4)
    assert (changed.skills, changed.languages, changed.capacity) == (
        frozenset({"fraud"}),
        frozenset({"sv", "fi"}),
        4,
    )
    with pytest.raises(Forbidden, match="only an administrator"):
        desk.add(
            boss,
            email="s2@example.com",
            display_name="S2",
            password=PASSWORD,
            role=Role.SUPERVISOR,
            skills=[],
            languages=[],
            capacity=3,
        )
    other = desks.add("Other", role=Role.SUPERVISOR)
    with pytest.raises(Forbidden):
        desk.set_active(boss, other.id, False)
    with pytest.raises(InvalidInput, match="Capacity"):
        desk.update(boss, ola.id, [], [], 0)
    maria = desks.add("Maria")
    with pytest.raises(Forbidden):
        desk.update(maria, ola.id, [], [], 3)


def test_disabling_an_agent_lists_them_last_and_nobody_disables_themselves(
    desks: Desks,
) -> None:
    admin, desk = desks.add("Ada", role=Role.ADMIN), team(desks)
    maria = desks.add("Maria")
    desk.set_active(admin, maria.id, False)
    assert [s.agent.display_name for s in desk.roster(admin)][-1] == "Maria"
    with pytest.raises(InvalidInput, match="your own account"):
        desk.set_active(admin, admin.id, False)


def test_a_supervisor_assigns_a_waiting_conversation_to_an_agent_with_room(
    desks: Desks,
) -> None:
    boss, desk = desks.add("Boss", role=Role.SUPERVISOR), team(desks)
    maria = desks.add("Maria", capacity=1)
    first, second = desks.escalated(), desks.escalated()
    desks.routing.sync_queue()

    desk.assign(boss, first.id, maria.id)

    assigned = desks.store.get_conversation(first.id)
    assert (assigned.owner, assigned.agent_id) == (Owner.AGENT, maria.id)
    with pytest.raises(AtCapacity):
        desk.assign(boss, second.id, maria.id)
    with pytest.raises(Forbidden):
        desk.assign(maria, second.id, maria.id)
