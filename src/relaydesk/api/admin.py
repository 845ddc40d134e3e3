"""Administration endpoints: the team's accounts (administrators) and presence (supervisors)."""

from __future__ import annotations

from fastapi import APIRouter, status
from pydantic import BaseModel, Field

from relaydesk.api.agent import CurrentAgent
from relaydesk.api.agent_schemas import AgentOut, StatusOut
from relaydesk.api.deps import ServicesDep
from relaydesk.domain.agents import Role
from relaydesk.domain.model import AgentId

router = APIRouter(prefix="/v1/admin", tags=["admin"])


class NewAgentIn(BaseModel):
    email: str = Field(min_length=3, max_length=320)
    display_name: str = Field(min_length=1, max_length=200)
    password: str = Field(min_length=10, max_length=1000)
    role: Role = Role.AGENT
    skills: list[str] = Field(default_factory=list, max_length=50)
    languages: list[str] = Field(default_factory=list, max_length=50)
    capacity: int = Field(default=3, ge=1, le=50)


@router.get("/agents")
def list_agents(agent: CurrentAgent, services: ServicesDep) -> list[StatusOut]:
    return [StatusOut.of(s) for s in services.agents.list_agents_as(agent)]


@router.post("/agents", status_code=status.HTTP_201_CREATED)
def add_agent(body: NewAgentIn, agent: CurrentAgent, services: ServicesDep) -> AgentOut:
    return AgentOut.of(services.agents.add_agent_as(agent, **body.model_dump()))


@router.post("/agents/{agent_id}/disable")
def disable_agent(agent_id: str, agent: CurrentAgent, services: ServicesDep) -> AgentOut:
    return AgentOut.of(services.agents.set_active_as(agent, AgentId(agent_id), False))


@router.post("/agents/{agent_id}/enable")
def enable_agent(agent_id: str, agent: CurrentAgent, services: ServicesDep) -> AgentOut:
    return AgentOut.of(services.agents.set_active_as(agent, AgentId(agent_id), True))
