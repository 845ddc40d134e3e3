"""The operator dashboard: a page for supervisors and admins, its JSON report and CSV export.

The page is static HTML plus a script that fetches `/v1/dashboard/report` with the console's
session cookie and draws the charts with the vendored Chart.js. `relaydesk report` calls the
same `report_from_store`, so the terminal and the page show the same numbers.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Annotated, Any

import jinja2
from fastapi import APIRouter, Depends, FastAPI, Query
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles

from relaydesk.analytics.insight import article_draft
from relaydesk.analytics.period import report_filter
from relaydesk.analytics.report import Report
from relaydesk.api.agent import CurrentAgent
from relaydesk.api.console import SECURITY_HEADERS, PageSession
from relaydesk.api.deps import ServicesDep
from relaydesk.domain.agents import AgentAccount
from relaydesk.domain.errors import Forbidden
from relaydesk.security.pii import mask_data, mask_text

TEMPLATES = Path(__file__).resolve().parent / "templates" / "dashboard"
STATIC = Path(__file__).resolve().parent.parent / "web" / "dashboard"

page_router = APIRouter(prefix="/dashboard", include_in_schema=False)
router = APIRouter(prefix="/v1/dashboard", tags=["dashboard"])


def include_dashboard(app: FastAPI) -> None:
    """Mount the dashboard page, its API and its static files (Chart.js is served from here)."""
    app.include_router(router)
    app.include_router(page_router)
    app.mount("/dashboard/static", StaticFiles(directory=STATIC), name="dashboard-static")


@cache
def _environment() -> jinja2.Environment:
    return jinja2.Environment(loader=jinja2.FileSystemLoader(TEMPLATES), autoescape=True)


def _render(name: str, status_code: int = 200, **context: Any) -> HTMLResponse:
    html = _environment().get_template(name).render(**context)
    return HTMLResponse(html, status_code=status_code, headers=SECURITY_HEADERS)


def supervisor(agent: CurrentAgent) -> AgentAccount:
    """Only supervisors and admins see the team's numbers."""
    if not agent.supervises:
        raise Forbidden("The dashboard is for supervisors and admins.")
    return agent


Supervisor = Annotated[AgentAccount, Depends(supervisor)]
Since = Annotated[str, Query(max_length=40, description="7d, 24h, 2w or an ISO date (UTC).")]
Until = Annotated[str | None, Query(max_length=40, description="Default now; same forms.")]
Narrow = Annotated[str | None, Query(max_length=64)]


async def _report(
    services: ServicesDep,
    since: str,
    until: str | None,
    language: str | None,
    intent: str | None,
    channel: str | None,
) -> Report:
    wanted = report_filter(since, until, language=language, intent=intent, channel=channel)
    return await run_in_threadpool(services.reports.report, wanted)


@router.get("/report")
async def read_report(
    _agent: Supervisor,
    services: ServicesDep,
    since: Since = "7d",
    until: Until = None,
    language: Narrow = None,
    intent: Narrow = None,
    channel: Narrow = None,
) -> dict[str, Any]:
    """Every metric of the period, the tables behind the charts, and the filter choices."""
    found = await _report(services, since, until, language, intent, channel)
    choices = await run_in_threadpool(services.reports.filter_choices)
    masked: dict[str, Any] = mask_data({**found.as_dict(), "choices": choices})
    return masked


@router.get("/report.csv")
async def export_report(
    _agent: Supervisor,
    services: ServicesDep,
    since: Since = "7d",
    until: Until = None,
    language: Narrow = None,
    intent: Narrow = None,
    channel: Narrow = None,
    table: Annotated[str, Query(max_length=40)] = "summary",
) -> Response:
    """One table of the report (or the summary) as CSV, for spreadsheets."""
    found = await _report(services, since, until, language, intent, channel)
    name = f"relaydesk-{table}-{found.filter.since:%Y%m%d}-{found.filter.until:%Y%m%d}.csv"
    return Response(
        mask_text(found.csv(table)),  # exports leave the desk: no personal data in them
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


@router.get("/article-draft")
def article_draft_file(
    _agent: Supervisor,
    question: Annotated[str, Query(min_length=1, max_length=500)],
    language: Annotated[str, Query(pattern=r"^[a-z]{2,3}(-[A-Za-z0-9]{2,8})?$")] = "en",
    example: Annotated[list[str] | None, Query(max_length=5)] = None,
) -> Response:
    """A knowledge gap as a help-article draft to fill in and add to the pack's knowledge."""
    draft = article_draft(question, language, [e[:500] for e in example or []])
    return Response(
        mask_text(draft),
        media_type="text/markdown; charset=utf-8",
        headers={"Content-Disposition": 'attachment; filename="article-draft.md"'},
    )


@page_router.get("")
def dashboard_page(session: PageSession) -> Response:
    if session is None:
        return RedirectResponse("/console/login", status_code=303)
    if not session.agent.supervises:
        return _render("forbidden.html", 403, session=session)
    return _render("dashboard.html", session=session)
