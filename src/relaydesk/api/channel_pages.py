"""Console pages for supervisors about the channels: the webhook delivery log (with a retry
for given-up deliveries) and the email outbox log."""

from __future__ import annotations

from typing import Annotated
from urllib.parse import quote

from fastapi import APIRouter, FastAPI, Query
from fastapi.responses import RedirectResponse, Response

from relaydesk.api.console import FormSession, PageSession, after, render, to_login
from relaydesk.api.deps import ServicesDep
from relaydesk.channels.email.outbox import Outbox
from relaydesk.desk.agents import AgentSession
from relaydesk.webhooks.store import WebhookStore

router = APIRouter(prefix="/console", include_in_schema=False)
WEBHOOKS = "/console/webhooks"
ConversationFilter = Annotated[str | None, Query(max_length=64)]


def include_channel_pages(app: FastAPI) -> None:
    app.include_router(router)


def _not_a_supervisor(session: AgentSession | None) -> Response | None:
    if session is None:
        return to_login()
    if not session.agent.supervises:
        notice = quote("Only supervisors read the delivery logs.")
        return RedirectResponse(f"/console?notice={notice}", 303)
    return None


@router.get("/webhooks")
def webhook_log(
    session: PageSession,
    services: ServicesDep,
    conversation: ConversationFilter = None,
    notice: str | None = None,
) -> Response:
    """Newest deliveries first: what went where, how often it was tried, what came back."""
    refused = _not_a_supervisor(session)
    if refused is not None or session is None:
        return refused or to_login()
    webhooks = WebhookStore(services.store.engine)
    endpoints = {endpoint.id: endpoint for endpoint in webhooks.endpoints()}
    return render(
        "webhooks.html",
        session=session,
        notice=notice,
        endpoints=list(endpoints.values()),
        urls={endpoint_id: endpoint.url for endpoint_id, endpoint in endpoints.items()},
        deliveries=webhooks.deliveries(None, conversation or None, 200),
        conversation=conversation or "",
    )


@router.post("/webhooks/deliveries/{delivery_id}/retry")
def retry_delivery(delivery_id: str, session: FormSession, services: ServicesDep) -> Response:
    if not session.agent.supervises:
        return RedirectResponse(f"/console?notice={quote('Only supervisors retry.')}", 303)
    webhooks = WebhookStore(services.store.engine)
    return after(lambda: webhooks.redeliver(delivery_id), WEBHOOKS)


@router.get("/outbox")
def outbox_log(
    session: PageSession, services: ServicesDep, conversation: ConversationFilter = None
) -> Response:
    """Newest emails first: to whom, about what, sent, waiting or given up and why."""
    refused = _not_a_supervisor(session)
    if refused is not None or session is None:
        return refused or to_login()
    emails = Outbox(services.store.engine).recent(conversation or None, 200)
    return render(
        "outbox.html",
        session=session,
        emails=emails,
        sending=services.settings.email_sending,
        conversation=conversation or "",
    )
