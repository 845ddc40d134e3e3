"""Request and response shapes of the agent and admin API (DTOs, mapped from domain types)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, Field

from relaydesk.api.schemas import ConversationOut, EventOut
from relaydesk.desk.agent_work import ConversationView
from relaydesk.desk.routing import QueueItem
from relaydesk.domain.agents import (
    AgentAccount,
    AgentStatus,
    ApprovalRequest,
    Disposition,
    Handoff,
    Presence,
)


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
    customer_name: str
    preview: str = Field(description="The customer's first message.")

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
            customer_name=item.customer_name,
            preview=item.preview,
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
