"""Webhooks for operators: administrators register URLs; supervisors read the delivery log."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Query, status
from pydantic import BaseModel, Field

from relaydesk.api.agent import CurrentAgent
from relaydesk.api.deps import ServicesDep
from relaydesk.domain.agents import Role, require_role
from relaydesk.webhooks.events import EVENT_TYPES
from relaydesk.webhooks.queueing import WebhookQueue
from relaydesk.webhooks.store import Delivery, WebhookEndpoint, WebhookStore

router = APIRouter(prefix="/v1/admin/webhooks", tags=["admin"])
READERS = (Role.SUPERVISOR, Role.ADMIN)


class WebhookIn(BaseModel):
    url: str = Field(min_length=8, max_length=2000)
    event_types: list[str] | None = Field(default=None, max_length=len(EVENT_TYPES))
    description: str = Field(default="", max_length=200)


class WebhookOut(BaseModel):
    id: str
    url: str
    event_types: list[str]
    description: str
    active: bool
    created_at: datetime

    @classmethod
    def of(cls, endpoint: WebhookEndpoint) -> WebhookOut:
        return cls(
            id=endpoint.id,
            url=endpoint.url,
            event_types=endpoint.event_types,
            description=endpoint.description,
            active=endpoint.active,
            created_at=endpoint.created_at,
        )


class NewWebhookOut(WebhookOut):
    """Shown once, when registered: the secret the receiver checks signatures with."""

    secret: str


class DeliveryOut(BaseModel):
    id: str
    endpoint_id: str
    conversation_id: str
    event_type: str
    status: str
    attempts: int
    last_status_code: int | None
    last_error: str | None
    created_at: datetime
    delivered_at: datetime | None
    payload: dict[str, Any]

    @classmethod
    def of(cls, delivery: Delivery) -> DeliveryOut:
        fields = {name: getattr(delivery, name) for name in cls.model_fields}
        return cls(**fields)


def _webhooks(services: ServicesDep) -> WebhookStore:
    return WebhookStore(services.store.engine)


def _refresh_hooks(services: ServicesDep) -> None:
    for hook in services.store.append_hooks:
        if isinstance(hook, WebhookQueue):
            hook.refresh()


@router.post("", status_code=status.HTTP_201_CREATED)
def register_webhook(body: WebhookIn, agent: CurrentAgent, services: ServicesDep) -> NewWebhookOut:
    require_role(agent, Role.ADMIN)
    endpoint = _webhooks(services).register(body.url, body.event_types, body.description, agent.id)
    _refresh_hooks(services)
    return NewWebhookOut(**WebhookOut.of(endpoint).model_dump(), secret=endpoint.secret)


@router.get("")
def list_webhooks(agent: CurrentAgent, services: ServicesDep) -> list[WebhookOut]:
    require_role(agent, *READERS)
    return [WebhookOut.of(endpoint) for endpoint in _webhooks(services).endpoints()]


@router.post("/{webhook_id}/disable")
def disable_webhook(webhook_id: str, agent: CurrentAgent, services: ServicesDep) -> WebhookOut:
    require_role(agent, Role.ADMIN)
    endpoint = _webhooks(services).set_active(webhook_id, False)
    _refresh_hooks(services)
    return WebhookOut.of(endpoint)


@router.get("/deliveries")
def delivery_log(
    agent: CurrentAgent,
    services: ServicesDep,
    webhook_id: Annotated[str | None, Query(max_length=64)] = None,
    conversation_id: Annotated[str | None, Query(max_length=64)] = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 200,
) -> list[DeliveryOut]:
    """Newest first: what was sent where, how often it was tried, and what came back."""
    require_role(agent, *READERS)
    found = _webhooks(services).deliveries(webhook_id, conversation_id, limit)
    return [DeliveryOut.of(delivery) for delivery in found]


@router.post("/deliveries/{delivery_id}/retry")
def retry_delivery(delivery_id: str, agent: CurrentAgent, services: ServicesDep) -> dict[str, str]:
    """Queue a given-up delivery again."""
    require_role(agent, *READERS)
    _webhooks(services).redeliver(delivery_id)
    return {"status": "queued"}
