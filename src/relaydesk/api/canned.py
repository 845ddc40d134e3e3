"""Canned responses: supervisors manage them (JSON and a console page); agents fetch them
filled in for a conversation, which the reply box offers after "/"."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated
from urllib.parse import quote

from fastapi import APIRouter, FastAPI, Form, Path
from fastapi.responses import RedirectResponse, Response
from pydantic import BaseModel, Field

from relaydesk.api.agent import CurrentAgent
from relaydesk.api.console import FormSession, PageSession, after, render, to_login
from relaydesk.api.deps import ServicesDep
from relaydesk.domain.canned import VARIABLES, CannedResponse
from relaydesk.domain.model import ConversationId

api = APIRouter(prefix="/v1/agent", tags=["agent"])
pages = APIRouter(prefix="/console", include_in_schema=False)
Switch = Annotated[str, Path(pattern="^(enable|disable)$")]
SUPERVISORS_ONLY = quote("Only supervisors manage canned responses.")


def include_canned(app: FastAPI) -> None:
    app.include_router(api)
    app.include_router(pages)


class CannedIn(BaseModel):
    shortcut: str = Field(min_length=1, max_length=64)
    language: str = Field(min_length=2, max_length=16)
    title: str = Field(min_length=1, max_length=200)
    body: str = Field(min_length=1, max_length=4000)


class CannedOut(BaseModel):
    id: str
    shortcut: str
    language: str
    title: str
    body: str
    active: bool
    updated_by: str
    updated_at: datetime

    @classmethod
    def of(cls, canned: CannedResponse) -> CannedOut:
        return cls(**canned.__dict__)


class FilledOut(BaseModel):
    shortcut: str
    title: str
    language: str
    text: str


@api.get("/canned-responses")
def list_canned(agent: CurrentAgent, services: ServicesDep) -> list[CannedOut]:
    return [CannedOut.of(canned) for canned in services.console.canned.all()]


@api.post("/canned-responses")
def save_canned(body: CannedIn, agent: CurrentAgent, services: ServicesDep) -> CannedOut:
    desk = services.console.canned
    return CannedOut.of(desk.save(agent, body.shortcut, body.language, body.title, body.body))


@api.post("/canned-responses/{canned_id}/{action}")
def switch_canned(
    canned_id: str, action: Switch, agent: CurrentAgent, services: ServicesDep
) -> CannedOut:
    desk = services.console.canned
    return CannedOut.of(desk.set_active(agent, canned_id, action == "enable"))


@api.get("/conversations/{conversation_id}/canned-responses")
def canned_for_conversation(
    conversation_id: str, agent: CurrentAgent, services: ServicesDep
) -> list[FilledOut]:
    filled = services.console.canned.for_conversation(agent, ConversationId(conversation_id))
    return [FilledOut(**item.__dict__) for item in filled]


# --- the supervisors' page ---


@pages.get("/canned")
def canned_page(session: PageSession, services: ServicesDep, notice: str | None = None) -> Response:
    if session is None:
        return to_login()
    if not session.agent.supervises:
        return RedirectResponse(f"/console?notice={SUPERVISORS_ONLY}", status_code=303)
    return render(
        "canned.html",
        session=session,
        notice=notice,
        responses=services.console.canned.all(),
        variables=VARIABLES,
    )


@pages.post("/canned")
def canned_save(
    session: FormSession,
    services: ServicesDep,
    shortcut: Annotated[str, Form(max_length=64)],
    language: Annotated[str, Form(max_length=16)],
    title: Annotated[str, Form(max_length=200)],
    body: Annotated[str, Form(max_length=4000)],
) -> Response:
    desk = services.console.canned
    return after(
        lambda: desk.save(session.agent, shortcut, language, title, body), "/console/canned"
    )


@pages.post("/canned/{canned_id}/{action}")
def canned_switch(
    canned_id: str, action: Switch, session: FormSession, services: ServicesDep
) -> Response:
    desk = services.console.canned
    active = action == "enable"
    return after(lambda: desk.set_active(session.agent, canned_id, active), "/console/canned")
