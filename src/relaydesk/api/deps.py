"""FastAPI dependencies: typed aliases over what the app factory wired."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Header, Request

from relaydesk.api.customer_auth import token_matches
from relaydesk.bus.base import EventBus
from relaydesk.desk.agent_work import AgentWorkDesk
from relaydesk.desk.agents import AgentDesk
from relaydesk.desk.approvals import ApprovalDesk
from relaydesk.desk.console_desks import ConsoleDesks
from relaydesk.desk.conversations import ConversationDesk
from relaydesk.desk.feedback import FeedbackDesk
from relaydesk.desk.reports import ReportDesk
from relaydesk.desk.routing import RoutingDesk
from relaydesk.domain.errors import ConversationErased, Unauthorized
from relaydesk.domain.model import ConversationId
from relaydesk.pack import Pack
from relaydesk.security.audit import AuditLog
from relaydesk.security.privacy import PrivacyDesk
from relaydesk.settings import Settings
from relaydesk.store.conversations import ConversationStore
from relaydesk.store.revocations import is_revoked

ERASED_CONVERSATION = ConversationErased().message


@dataclass(frozen=True)
class Services:
    """The object graph one app instance serves with."""

    settings: Settings
    pack: Pack  # the business this app serves: branding, demo parts
    store: ConversationStore
    bus: EventBus
    conversations: ConversationDesk
    agents: AgentDesk
    routing: RoutingDesk
    agent_work: AgentWorkDesk
    approvals: ApprovalDesk
    console: ConsoleDesks  # lists, forms, canned responses: what makes the console usable
    feedback: FeedbackDesk  # customers' ratings
    reports: ReportDesk  # the operator's dashboard
    privacy: PrivacyDesk  # a customer's export and erasure
    audit: AuditLog  # who did what


# The dependencies that only read the request are `async def`: FastAPI runs a plain `def`
# dependency on its thread pool, and the hop cost more than the work on every request.
async def get_services(request: Request) -> Services:
    services: Services = request.app.state.services
    return services


ServicesDep = Annotated[Services, Depends(get_services)]


def address_of(request: Request) -> str:
    """The connection's address (behind a proxy, uvicorn's proxy headers make it the client's)."""
    return request.client.host if request.client else ""


async def client_address(request: Request) -> str:
    return address_of(request)


ClientAddress = Annotated[str, Depends(client_address)]


def bearer_token(authorization: str | None) -> str | None:
    if authorization and authorization.lower().startswith("bearer "):
        return authorization[7:].strip()
    return None


async def tokened_conversation(
    conversation_id: str,
    services: ServicesDep,
    authorization: Annotated[str | None, Header()] = None,
) -> ConversationId:
    """The conversation in the path, if the caller holds its token; whether erasure revoked
    the token is left to the endpoint, which checks it in its own transaction."""
    if not token_matches(
        services.settings.secret_key, conversation_id, bearer_token(authorization)
    ):
        raise Unauthorized("This conversation needs its token: Authorization: Bearer <token>.")
    return ConversationId(conversation_id)


def customer_conversation(
    conversation_id: Annotated[ConversationId, Depends(tokened_conversation)],
    services: ServicesDep,
) -> ConversationId:
    """The conversation in the path, if the caller holds its token and it was not erased."""
    if is_revoked(services.store.engine, conversation_id):
        raise ConversationErased()
    return conversation_id


CustomerConversation = Annotated[ConversationId, Depends(customer_conversation)]
TokenedConversation = Annotated[ConversationId, Depends(tokened_conversation)]
