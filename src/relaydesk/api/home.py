"""`/`: leads a visitor somewhere useful instead of a bare not-found."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse
from starlette.routing import Route

router = APIRouter(tags=["service"])

# The first of these that the running app serves: the demo shop where it is mounted, the
# API docs where they are on, the help centre always.
LANDING_PAGES = ("/shop", "/docs", "/help")


@router.get("/", include_in_schema=False)
def home(request: Request) -> RedirectResponse:
    served = {route.path for route in request.app.routes if isinstance(route, Route)}
    target = next((page for page in LANDING_PAGES if page in served), "/healthz")
    return RedirectResponse(target, status_code=307)
