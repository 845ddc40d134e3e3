"""Administrators' privacy endpoints: a customer's data export and erasure, the audit trail."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query
from fastapi.concurrency import run_in_threadpool

from relaydesk.api.agent import CurrentAgent
from relaydesk.api.deps import ServicesDep
from relaydesk.domain.agents import AgentAccount, Role, require_role
from relaydesk.security.privacy import Actor

router = APIRouter(prefix="/v1/admin", tags=["admin"])


def administrator(agent: CurrentAgent) -> AgentAccount:
    """Only administrators handle customers' privacy requests and read the audit trail."""
    require_role(agent, Role.ADMIN)
    return agent


Admin = Annotated[AgentAccount, Depends(administrator)]


@router.get("/privacy/customers/{customer}/export")
async def export_customer(customer: str, admin: Admin, services: ServicesDep) -> dict[str, Any]:
    """Everything relaydesk holds about one customer, as JSON (audited)."""
    return await run_in_threadpool(services.privacy.export, customer, Actor("agent", admin.id))


@router.post("/privacy/customers/{customer}/erase")
async def erase_customer(customer: str, admin: Admin, services: ServicesDep) -> dict[str, Any]:
    """Redact the customer's personal data, keeping conversations' structure (audited)."""
    report = await run_in_threadpool(services.privacy.erase, customer, Actor("agent", admin.id))
    return report.as_dict()


@router.get("/audit")
async def read_audit_trail(
    _admin: Admin,
    services: ServicesDep,
    hours: Annotated[int, Query(ge=1, le=24 * 90)] = 24,
    limit: Annotated[int, Query(ge=1, le=1000)] = 200,
) -> list[dict[str, Any]]:
    """Who did what and when, with the policy's decision, over the last `hours`."""
    since = datetime.now(UTC) - timedelta(hours=hours)
    trail = await run_in_threadpool(services.audit.trail, since, limit)
    return [entry.as_dict() for entry in trail]
