"""The team page for supervisors (add, disable, skills, languages, capacity) and assigning a
waiting conversation to a named agent from the live queue."""

from __future__ import annotations

import re
from typing import Annotated
from urllib.parse import quote

from fastapi import APIRouter, FastAPI, Form, Path
from fastapi.responses import RedirectResponse, Response

from relaydesk.api.console import FormSession, PageSession, after, render, to_login
from relaydesk.api.deps import ServicesDep
from relaydesk.desk.opening_hours import hours_overview
from relaydesk.domain.agents import Role
from relaydesk.domain.model import AgentId, ConversationId

router = APIRouter(prefix="/console", include_in_schema=False)
Switch = Annotated[str, Path(pattern="^(enable|disable)$")]
TEAM = "/console/team"


def include_team_pages(app: FastAPI) -> None:
    app.include_router(router)


def listed(text: str) -> list[str]:
    """'billing, returns  complaints' -> ['billing', 'returns', 'complaints']."""
    return [item for item in re.split(r"[,\s]+", text) if item]


@router.get("/team")
def team_page(session: PageSession, services: ServicesDep, notice: str | None = None) -> Response:
    if session is None:
        return to_login()
    if not session.agent.supervises:
        return RedirectResponse(
            f"/console?notice={quote('Only supervisors manage the team.')}", 303
        )
    return render(
        "team.html",
        session=session,
        notice=notice,
        team=services.console.team.roster(session.agent),
        roles=[Role.AGENT] if session.agent.role is Role.SUPERVISOR else list(Role),
        hours=hours_overview(
            services.settings.business_hours, services.routing.hours, services.routing.clock()
        ),
    )


@router.post("/team")
def add_member(
    session: FormSession,
    services: ServicesDep,
    email: Annotated[str, Form(max_length=320)],
    display_name: Annotated[str, Form(max_length=200)],
    password: Annotated[str, Form(max_length=1000)],
    role: Annotated[Role, Form()] = Role.AGENT,
    skills: Annotated[str, Form(max_length=1000)] = "",
    languages: Annotated[str, Form(max_length=1000)] = "",
    capacity: Annotated[int, Form(ge=1, le=50)] = 3,
) -> Response:
    team = services.console.team

    def add() -> object:
        return team.add(
            session.agent,
            email=email,
            display_name=display_name,
            password=password,
            role=role,
            skills=listed(skills),
            languages=listed(languages),
            capacity=capacity,
        )

    return after(add, TEAM)


@router.post("/team/{agent_id}")
def update_member(
    agent_id: str,
    session: FormSession,
    services: ServicesDep,
    capacity: Annotated[int, Form(ge=1, le=50)],
    skills: Annotated[str, Form(max_length=1000)] = "",
    languages: Annotated[str, Form(max_length=1000)] = "",
) -> Response:
    team, member = services.console.team, AgentId(agent_id)
    return after(
        lambda: team.update(session.agent, member, listed(skills), listed(languages), capacity),
        TEAM,
    )


@router.post("/team/{agent_id}/{action}")
def switch_member(
    agent_id: str, action: Switch, session: FormSession, services: ServicesDep
) -> Response:
    team, member = services.console.team, AgentId(agent_id)
    return after(lambda: team.set_active(session.agent, member, action == "enable"), TEAM)


@router.post("/conversations/{conversation_id}/assign")
def assign(
    conversation_id: str,
    session: FormSession,
    services: ServicesDep,
    agent_id: Annotated[str, Form(max_length=64)],
) -> Response:
    team, cid = services.console.team, ConversationId(conversation_id)
    return after(lambda: team.assign(session.agent, cid, AgentId(agent_id)), "/console")
