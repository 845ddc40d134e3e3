"""Agent endpoints: sign in, presence, the queue, claims, replies, notes, tools, approvals.

Agents authenticate with the session cookie (the console) or `Authorization: Bearer
<session token>` (API clients). Cookie-authenticated writes must carry `X-CSRF-Token`.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Header, Query, Request, Response
from pydantic import BaseModel, Field

from relaydesk.api.deps import ServicesDep, bearer_token
from relaydesk.api.schemas import ConversationOut, EventOut
from relaydesk.desk.agents import SESSION_TTL, AgentSession
from relaydesk.desk.handoff import ConversationView
from relaydesk.desk.routing import QueueItem
from relaydesk.domain.agents import (
    AgentAccount,
    AgentStatus,
    ApprovalRequest,
    Disposition,
    Handoff,
    Presence,
)
from relaydesk.domain.model import ConversationId

router = APIRouter(prefix="/v1/agent", tags=["agent"])

SESSION_COOKIE = "relaydesk_agent"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
LOCAL_HOSTS = frozenset({"localhost", "127.0.0.1", "::1", "testserver"})


def session_token(request: Request, authorization: str | None) -> tuple[str | None, bool]:
    """The presented session token and whether it came from the (ambient) cookie."""
    bearer = bearer_token(authorization)
    if bearer:
        return bearer, False
    return request.cookies.get(SESSION_COOKIE), True


def agent_session(
    request: Request,
    services: ServicesDep,
    authorization: Annotated[str | None, Header()] = None,
    csrf: Annotated[str | None, Header(alias="X-CSRF-Token")] = None,
) -> AgentSession:
    """The signed-in agent; a cookie-authenticated write must prove it came from our pages."""
    token, from_cookie = session_token(request, authorization)
    session = services.agents.authenticate(token)
    if from_cookie and request.method not in SAFE_METHODS:
        services.agents.require_csrf(session, csrf)
    return session


CurrentSession = Annotated[AgentSession, Depends(agent_session)]


def current_agent(session: CurrentSession) -> AgentAccount:
    return session.agent


CurrentAgent = Annotated[AgentAccount, Depends(current_agent)]


def set_session_cookie(request: Request, response: Response, token: str) -> None:
    """HttpOnly, SameSite=Lax, and Secure everywhere but a developer's own machine."""
    response.set_cookie(
        SESSION_COOKIE,
        token,
        max_age=int(SESSION_TTL.total_seconds()),
        httponly=True,
        samesite="lax",
        secure=request.url.hostname not in LOCAL_HOSTS or request.url.scheme == "https",
        path="/",
    )


# --- shapes ---


class AgentOut(BaseModel):
    id: str
    email: str
    display_name: str
    role: str
    skills: list[str]
    languages: list[str]
    capacity: int
    active: bool

    @classmethod
    def of(cls, agent: AgentAccount) -> AgentOut:
        return cls(
            id=agent.id,
            email=agent.email,
            display_name=agent.display_name,
            role=agent.role.value,
            skills=sorted(agent.skills),
            languages=sorted(agent.languages),
            capacity=agent.capacity,
            active=agent.active,
        )


class StatusOut(BaseModel):
    agent: AgentOut
    presence: str
    last_seen: datetime | None
    load: int

    @classmethod
    def of(cls, status: AgentStatus) -> StatusOut:
        return cls(
            agent=AgentOut.of(status.agent),
            presence=status.presence.value,
            last_seen=status.last_seen,
            load=status.load,
        )


class LoginIn(BaseModel):
    email: str = Field(min_length=3, max_length=320)
    password: str = Field(min_length=1, max_length=1000)


class LoginOut(BaseModel):
    token: str = Field(description="Send as `Authorization: Bearer <token>`, or use the cookie.")
    csrf_token: str = Field(description="Send as `X-CSRF-Token` on cookie-authenticated writes.")
    agent: AgentOut


class PresenceIn(BaseModel):
    status: Presence


class QueueItemOut(BaseModel):
    conversation_id: str
    position: int
    priority: int
    reason: str
    skill: str | None
    language: str | None
    waited_seconds: float

    @classmethod
    def of(cls, item: QueueItem) -> QueueItemOut:
        entry = item.entry
        return cls(
            conversation_id=entry.conversation_id,
            position=item.position,
            priority=entry.priority,
            reason=entry.reason,
            skill=entry.skill,
            language=entry.language,
            waited_seconds=round(item.waited_seconds, 1),
        )


class ApprovalOut(BaseModel):
    id: str
    conversation_id: str
    tool: str
    params: dict[str, Any]
    summary: str
    status: str
    decided_by: str | None
    reason: str | None
    created_at: datetime

    @classmethod
    def of(cls, request: ApprovalRequest) -> ApprovalOut:
        return cls(
            id=request.id,
            conversation_id=request.conversation_id,
            tool=request.tool,
            params=request.params,
            summary=request.summary,
            status=request.status.value,
            decided_by=request.decided_by,
            reason=request.reason,
            created_at=request.created_at,
        )


class HandoffOut(BaseModel):
    wants: str | None
    intent: str | None
    gathered: dict[str, Any]
    tried: list[dict[str, Any]]
    reason: str | None
    detail: str | None
    frustration: float
    language: str | None
    suggested_actions: list[str]

    @classmethod
    def of(cls, handoff: Handoff) -> HandoffOut:
        tried = [{"tool": t.tool, "status": t.status, "params": t.params} for t in handoff.tried]
        return cls(**{**handoff.__dict__, "tried": tried})


class ConversationViewOut(BaseModel):
    conversation: ConversationOut
    customer: dict[str, Any]
    events: list[EventOut]
    handoff: HandoffOut
    profile: dict[str, Any]
    approvals: list[ApprovalOut]

    @classmethod
    def of(cls, view: ConversationView) -> ConversationViewOut:
        customer = view.customer
        return cls(
            conversation=ConversationOut.of(view.conversation),
            customer={
                "id": customer.id,
                "display_name": customer.display_name,
                "language": customer.language,
                "external_ref": customer.external_ref,
            },
            events=[EventOut.of(event) for event in view.events],
            handoff=HandoffOut.of(view.handoff),
            profile=view.profile,
            approvals=[ApprovalOut.of(a) for a in view.approvals],
        )


class TextIn(BaseModel):
    text: str = Field(max_length=20_000)


class HandBackIn(BaseModel):
    note: str | None = Field(default=None, max_length=20_000)


class CloseIn(BaseModel):
    disposition: Disposition
    note: str | None = Field(default=None, max_length=20_000)


class ToolIn(BaseModel):
    params: dict[str, Any] = Field(default_factory=dict)


class DecisionIn(BaseModel):
    reason: str | None = Field(default=None, max_length=2000)


OptionalKey = Annotated[str | None, Header(alias="Idempotency-Key", max_length=180)]


# --- routes ---


@router.post("/login")
def login(body: LoginIn, services: ServicesDep, request: Request, response: Response) -> LoginOut:
    session = services.agents.login(body.email, body.password)
    set_session_cookie(request, response, session.token)
    return LoginOut(
        token=session.token, csrf_token=session.csrf_token, agent=AgentOut.of(session.agent)
    )


@router.post("/logout", status_code=204)
def logout(session: CurrentSession, services: ServicesDep, response: Response) -> None:
    services.agents.logout(session)
    response.delete_cookie(SESSION_COOKIE, path="/")


@router.get("/me")
def me(agent: CurrentAgent, services: ServicesDep) -> StatusOut:
    return StatusOut.of(services.agents.status(agent))


@router.put("/presence")
def set_presence(body: PresenceIn, agent: CurrentAgent, services: ServicesDep) -> StatusOut:
    return StatusOut.of(services.agents.set_presence(agent, body.status))


@router.post("/heartbeat")
def heartbeat(agent: CurrentAgent, services: ServicesDep) -> StatusOut:
    return StatusOut.of(services.agents.heartbeat(agent))


@router.get("/queue")
def read_queue(agent: CurrentAgent, services: ServicesDep) -> list[QueueItemOut]:
    return [QueueItemOut.of(item) for item in services.routing.queue_for(agent)]


@router.get("/conversations")
def held_conversations(agent: CurrentAgent, services: ServicesDep) -> list[ConversationOut]:
    return [ConversationOut.of(c) for c in services.agent_work.held_by(agent)]


@router.get("/conversations/{conversation_id}")
def open_conversation(
    conversation_id: str, agent: CurrentAgent, services: ServicesDep
) -> ConversationViewOut:
    view = services.agent_work.open(ConversationId(conversation_id), agent)
    return ConversationViewOut.of(view)


@router.get("/conversations/{conversation_id}/events")
def read_events(
    conversation_id: str,
    agent: CurrentAgent,
    services: ServicesDep,
    after: Annotated[int, Query(ge=0)] = 0,
) -> dict[str, Any]:
    events, cursor = services.agent_work.events_after(ConversationId(conversation_id), agent, after)
    return {"events": [EventOut.of(e) for e in events], "cursor": cursor}


@router.post("/conversations/{conversation_id}/claim")
def claim(conversation_id: str, agent: CurrentAgent, services: ServicesDep) -> ConversationOut:
    return ConversationOut.of(services.routing.claim(ConversationId(conversation_id), agent))


@router.post("/conversations/{conversation_id}/release")
def release(conversation_id: str, agent: CurrentAgent, services: ServicesDep) -> ConversationOut:
    return ConversationOut.of(services.routing.release(ConversationId(conversation_id), agent))


@router.post("/conversations/{conversation_id}/messages")
def reply(
    conversation_id: str,
    body: TextIn,
    agent: CurrentAgent,
    services: ServicesDep,
    key: OptionalKey = None,
) -> EventOut:
    work = services.agent_work
    return EventOut.of(work.reply(ConversationId(conversation_id), agent, body.text, key))


@router.post("/conversations/{conversation_id}/notes")
def note(
    conversation_id: str,
    body: TextIn,
    agent: CurrentAgent,
    services: ServicesDep,
    key: OptionalKey = None,
) -> EventOut:
    work = services.agent_work
    return EventOut.of(work.note(ConversationId(conversation_id), agent, body.text, key))


@router.post("/conversations/{conversation_id}/hand-back")
def hand_back(
    conversation_id: str, body: HandBackIn, agent: CurrentAgent, services: ServicesDep
) -> ConversationOut:
    work = services.agent_work
    return ConversationOut.of(work.hand_back(ConversationId(conversation_id), agent, body.note))


@router.post("/conversations/{conversation_id}/close")
def close(
    conversation_id: str, body: CloseIn, agent: CurrentAgent, services: ServicesDep
) -> ConversationOut:
    conversation = services.agent_work.close(
        ConversationId(conversation_id), agent, body.disposition, body.note
    )
    return ConversationOut.of(conversation)


@router.post("/conversations/{conversation_id}/tools/{tool}")
def run_tool(
    conversation_id: str, tool: str, body: ToolIn, agent: CurrentAgent, services: ServicesDep
) -> dict[str, Any]:
    return services.agent_work.run_tool(ConversationId(conversation_id), agent, tool, body.params)


@router.get("/approvals")
def pending_approvals(agent: CurrentAgent, services: ServicesDep) -> list[ApprovalOut]:
    return [ApprovalOut.of(a) for a in services.approvals.pending_for(agent)]


@router.post("/approvals/{approval_id}/approve")
def approve(
    approval_id: str, body: DecisionIn, agent: CurrentAgent, services: ServicesDep
) -> ApprovalOut:
    return ApprovalOut.of(services.approvals.approve(approval_id, agent, body.reason))


@router.post("/approvals/{approval_id}/reject")
def reject(
    approval_id: str, body: DecisionIn, agent: CurrentAgent, services: ServicesDep
) -> ApprovalOut:
    return ApprovalOut.of(services.approvals.reject(approval_id, agent, body.reason or ""))
