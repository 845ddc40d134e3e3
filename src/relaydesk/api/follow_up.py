"""The waiting customer's side of the queue: leave an email for a follow-up."""

from __future__ import annotations

from fastapi import APIRouter
from pydantic import BaseModel, Field

from relaydesk.api.deps import CustomerConversation, ServicesDep
from relaydesk.api.schemas import ConversationOut

router = APIRouter(prefix="/v1/conversations", tags=["customer"])


class FollowUpIn(BaseModel):
    email: str = Field(min_length=3, max_length=320)


@router.post("/{conversation_id}/follow-up")
def leave_follow_up(
    conversation_id: CustomerConversation, body: FollowUpIn, services: ServicesDep
) -> ConversationOut:
    """While waiting for a person, leave an email address; the conversation stays queued."""
    return ConversationOut.of(services.routing.leave_follow_up(conversation_id, body.email))
