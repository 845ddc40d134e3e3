"""Agents list and download what a customer attached to an email (read rights as for events)."""

from __future__ import annotations

from datetime import datetime

from fastapi import APIRouter
from fastapi.responses import Response
from pydantic import BaseModel

from relaydesk.api.agent import CurrentAgent
from relaydesk.api.deps import ServicesDep
from relaydesk.channels.email.attachments import AttachmentStore
from relaydesk.domain.agents import AgentAccount
from relaydesk.domain.model import ConversationId

router = APIRouter(prefix="/v1/agent/conversations", tags=["agent"])


class AttachmentOut(BaseModel):
    id: str
    filename: str
    content_type: str
    size: int
    created_at: datetime


def _readable(services: ServicesDep, agent: AgentAccount, conversation_id: str) -> None:
    conversation = services.store.get_conversation(ConversationId(conversation_id))
    services.routing.require_can_read(agent, conversation)


@router.get("/{conversation_id}/attachments")
def list_attachments(
    conversation_id: str, agent: CurrentAgent, services: ServicesDep
) -> list[AttachmentOut]:
    _readable(services, agent, conversation_id)
    found = AttachmentStore(services.store.engine).of_conversation(conversation_id)
    return [AttachmentOut(**item.__dict__) for item in found]


@router.get("/{conversation_id}/attachments/{attachment_id}")
def download_attachment(
    conversation_id: str, attachment_id: str, agent: CurrentAgent, services: ServicesDep
) -> Response:
    """The file as sent, always as a download: a customer's file never renders in the console."""
    _readable(services, agent, conversation_id)
    item, content = AttachmentStore(services.store.engine).content(conversation_id, attachment_id)
    safe_name = "".join(c if c.isalnum() or c in "._-" else "_" for c in item.filename)
    return Response(
        content,
        media_type="application/octet-stream",
        headers={
            "Content-Disposition": f'attachment; filename="{safe_name}"',
            "X-Content-Type-Options": "nosniff",
        },
    )
