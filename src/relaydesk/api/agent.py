"""Agent endpoints: sign in, presence, the queue, claims, replies, notes, tools, approvals.

Agents authenticate with the session cookie (the console) or `Authorization: Bearer
<session token>` (API clients). Cookie-authenticated writes must carry `X-CSRF-Token`.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Header, Query, Request, Response

from relaydesk.api.agent_schemas import (
    AgentOut,
    ApprovalOut,
    CloseIn,
    ConversationViewOut,
    DecisionIn,
    HandBackIn,
    LoginIn,
    LoginOut,
    PresenceIn,
    QueueItemOut,
    StatusOut,
    TextIn,
    ToolIn,
)
from relaydesk.api.deps import ServicesDep, address_of, bearer_token
from relaydesk.api.schemas import ConversationOut, EventOut, EventsOut
from relaydesk.desk.agents import SESSION_TTL, AgentSession
from relaydesk.domain.agents import AgentAccount
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


OptionalKey = Annotated[str | None, Header(alias="Idempotency-Key", max_length=180)]


# --- routes ---


@router.post("/login")
def login(body: LoginIn, services: ServicesDep, request: Request, response: Response) -> LoginOut:
    session = services.agents.login(body.email, body.password, address_of(request))
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
    after: Annotated[int, Query(ge=0, le=2**31 - 1)] = 0,
) -> EventsOut:
    """Every event after `after`, internal ones too (notes, tool calls, assistant turns)."""
    events, cursor = services.agent_work.events_after(ConversationId(conversation_id), agent, after)
    return EventsOut(events=[EventOut.of(e) for e in events], cursor=cursor)


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
