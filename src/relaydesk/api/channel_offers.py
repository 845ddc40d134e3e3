"""What a customer may be offered besides the chat: a reply by email only when relaydesk can
send one."""

from __future__ import annotations

from fastapi import APIRouter
from pydantic import BaseModel

from relaydesk.api.deps import ServicesDep

router = APIRouter(prefix="/v1/channels", tags=["customer"])


class ChannelOffersOut(BaseModel):
    reply_by_email: bool


@router.get("")
def channel_offers(services: ServicesDep) -> ChannelOffersOut:
    return ChannelOffersOut(reply_by_email=services.settings.email_sending)
