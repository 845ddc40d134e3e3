"""Customer feedback endpoints: rate a closed conversation (CSAT)."""

from __future__ import annotations

from fastapi import APIRouter, status
from pydantic import BaseModel, Field

from relaydesk.api.deps import CustomerConversation, ServicesDep
from relaydesk.desk.feedback import MAX_COMMENT_CHARS, MAX_SCORE, MIN_SCORE

router = APIRouter(prefix="/v1/conversations", tags=["customer"])


class CsatIn(BaseModel):
    score: int = Field(ge=MIN_SCORE, le=MAX_SCORE, description="1 (poor) to 5 (excellent).")
    comment: str | None = Field(default=None, max_length=MAX_COMMENT_CHARS)


class CsatOut(BaseModel):
    score: int
    comment: str | None
    close_seq: int = Field(description="The seq of the close this rating is about.")


@router.post("/{conversation_id}/csat", status_code=status.HTTP_201_CREATED)
def rate_conversation(
    conversation_id: CustomerConversation, body: CsatIn, services: ServicesDep
) -> CsatOut:
    """Rate a closed conversation once; a second rating of the same close is a conflict."""
    rating = services.feedback.rate_conversation(conversation_id, body.score, body.comment)
    assert rating.close_seq is not None  # a new rating always names the close it rates
    return CsatOut(score=rating.score, comment=rating.comment, close_seq=rating.close_seq)
