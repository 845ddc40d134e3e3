"""Customer endpoints: start a conversation, send messages, read events."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Header, Query, Response, status
from starlette.concurrency import run_in_threadpool

from relaydesk.api.customer_auth import conversation_token, identity_matches
from relaydesk.api.deps import (
    ClientAddress,
    CustomerConversation,
    ServicesDep,
    TokenedConversation,
)
from relaydesk.api.schemas import (
    ConversationOut,
    EventOut,
    EventsOut,
    MessageIn,
    MessageReceiptOut,
    StartConversationIn,
    StartedConversationOut,
)
from relaydesk.domain.errors import Unauthorized

router = APIRouter(prefix="/v1/conversations", tags=["customer"])

IdempotencyKey = Annotated[
    str,
    Header(
        alias="Idempotency-Key",
        min_length=1,
        max_length=180,
        description="A retry with the same key returns the first result and stores nothing.",
    ),
]


# The two busiest endpoints are `async def` and send their store and assistant work to the
# thread pool themselves: a plain `def` endpoint's response is also checked there, a second
# hop per request.
@router.post("", status_code=status.HTTP_201_CREATED)
async def start_conversation(
    body: StartConversationIn, services: ServicesDep
) -> StartedConversationOut:
    """Open a conversation; a signed-in customer proves who they are with the operator's HMAC."""
    verified = False
    if body.customer_ref is not None:
        secret = services.settings.identity_secret
        if not identity_matches(secret, body.customer_ref, body.customer_signature):
            raise Unauthorized("The customer's identity signature does not match.")
        verified = True
    conversation = await run_in_threadpool(
        services.conversations.start_conversation,
        customer_ref=body.customer_ref,
        display_name=body.display_name,
        language=body.language,
        channel=body.channel,
    )
    return StartedConversationOut(
        conversation=ConversationOut.of(conversation),
        token=conversation_token(services.settings.secret_key, conversation.id),
        verified=verified,
    )


@router.get("/{conversation_id}")
def read_conversation(
    conversation_id: CustomerConversation, services: ServicesDep
) -> ConversationOut:
    return ConversationOut.of(services.store.get_conversation(conversation_id))


@router.post("/{conversation_id}/messages")
async def send_message(
    conversation_id: TokenedConversation,  # erasure is checked as the message is written
    body: MessageIn,
    idempotency_key: IdempotencyKey,
    services: ServicesDep,
    response: Response,
    address: ClientAddress,
) -> MessageReceiptOut:
    """Store the message durably, then answer; a retried key returns the first result."""
    receipt = await run_in_threadpool(
        services.conversations.receive_customer_message,
        conversation_id,
        body.text,
        idempotency_key,
        client_address=address or None,
        refuse_erased=True,
    )
    if receipt.duplicate:
        response.headers["Idempotent-Replayed"] = "true"
    return MessageReceiptOut(
        message=EventOut.of(receipt.message),
        replies=[EventOut.of(event) for event in receipt.customer_replies],
    )


@router.post("/{conversation_id}/escalate")
def request_human(conversation_id: CustomerConversation, services: ServicesDep) -> ConversationOut:
    """Ask for a person; always honoured, and safe to repeat."""
    return ConversationOut.of(services.conversations.request_human(conversation_id))


@router.post("/{conversation_id}/close")
def close_conversation(
    conversation_id: CustomerConversation, services: ServicesDep
) -> ConversationOut:
    """End the chat (the widget then asks for a rating); writing again reopens it."""
    return ConversationOut.of(services.conversations.close_by_customer(conversation_id))


@router.get("/{conversation_id}/events")
def read_events(
    conversation_id: CustomerConversation,
    services: ServicesDep,
    # Bounded by the seq column (a 32-bit integer in PostgreSQL): larger is a 422, not a 500.
    after: Annotated[int, Query(ge=0, le=2**31 - 1, description="The last seq already seen.")] = 0,
    limit: Annotated[int, Query(ge=1, le=500)] = 200,
) -> EventsOut:
    events, cursor = services.conversations.customer_events_after(conversation_id, after, limit)
    return EventsOut(events=[EventOut.of(event) for event in events], cursor=cursor)
