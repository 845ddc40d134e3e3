"""Supervisors manage the team in the web: add, disable, skills, languages, capacity.

Role limits: an administrator manages everyone; a supervisor manages agents (not other
supervisors or administrators, and never creates them); nobody disables themselves. Every
change joins the audit trail.
"""

from __future__ import annotations

from collections.abc import Iterable

from relaydesk.desk.agents import AgentDesk, clean_set
from relaydesk.desk.routing import RoutingDesk
from relaydesk.domain.agents import AgentAccount, AgentStatus, Role
from relaydesk.domain.errors import Forbidden, InvalidInput
from relaydesk.domain.model import AgentId, ConversationId

MAX_CAPACITY = 50


def require_may_manage(actor: AgentAccount, role: Role) -> None:
    """Raise Forbidden unless the actor may manage an account with this role."""
    if actor.role is Role.ADMIN:
        return
    if actor.role is Role.SUPERVISOR and role is Role.AGENT:
        return
    raise Forbidden(
        "Supervisors manage agents; only an administrator manages supervisors and administrators."
    )


class TeamDesk:
    """The team as a supervisor manages it."""

    def __init__(self, agents: AgentDesk, routing: RoutingDesk) -> None:
        self.agents = agents
        self.routing = routing

    def roster(self, actor: AgentAccount) -> list[AgentStatus]:
        """Everyone, disabled accounts too, active ones first."""
        team = self.agents.list_agents_as(actor)
        return sorted(team, key=lambda s: (not s.agent.active, s.agent.display_name.lower()))

    def add(
        self,
        actor: AgentAccount,
        *,
        email: str,
        display_name: str,
        password: str,
        role: Role,
        skills: Iterable[str],
        languages: Iterable[str],
        capacity: int,
    ) -> AgentAccount:
        """A new account; the password is for its first sign-in."""
        require_may_manage(actor, role)
        account = self.agents.add_agent(
            email=email,
            display_name=display_name,
            password=password,
            role=role,
            skills=skills,
            languages=languages,
            capacity=capacity,
        )
        self.agents.record(actor, "agent.create", account.id, {"role": role.value})
        return account

    def set_active(self, actor: AgentAccount, agent_id: AgentId, active: bool) -> AgentAccount:
        target = self.agents.agents.get(agent_id)
        require_may_manage(actor, target.role)
        if target.id == actor.id and not active:
            raise InvalidInput("You cannot disable your own account.")
        account = self.agents.set_active(agent_id, active)
        self.agents.record(actor, "agent.enable" if active else "agent.disable", agent_id, {})
        return account

    def update(
        self,
        actor: AgentAccount,
        agent_id: AgentId,
        skills: Iterable[str],
        languages: Iterable[str],
        capacity: int,
    ) -> AgentAccount:
        """Change what routing reads about an agent."""
        target = self.agents.agents.get(agent_id)
        require_may_manage(actor, target.role)
        if not 1 <= capacity <= MAX_CAPACITY:
            raise InvalidInput(f"Capacity is between 1 and {MAX_CAPACITY} conversations.")
        account = self.agents.agents.update_profile(
            agent_id, clean_set(skills), clean_set(languages), capacity
        )
        details = {
            "skills": sorted(account.skills),
            "languages": sorted(account.languages),
            "capacity": capacity,
        }
        self.agents.record(actor, "agent.update", agent_id, details)
        return account

    def assign(
        self, actor: AgentAccount, conversation_id: ConversationId, agent_id: AgentId
    ) -> None:
        """Give a waiting conversation to a named agent."""
        target = self.agents.agents.get(agent_id)
        self.routing.assign(conversation_id, target, actor)
        self.agents.record(actor, "conversation.assign", conversation_id, {"to": agent_id})
