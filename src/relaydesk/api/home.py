"""`/`: leads a visitor somewhere useful instead of a bare not-found."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import RedirectResponse


def landing_page(*, shop_mounted: bool, docs_on: bool) -> str:
    """The demo shop where it is mounted, the API docs where they are on, else the help centre."""
    if shop_mounted:
        return "/shop"
    return "/docs" if docs_on else "/help"


def home_router(target: str) -> APIRouter:
    router = APIRouter(tags=["service"])

    @router.get("/", include_in_schema=False)
    def home() -> RedirectResponse:
        return RedirectResponse(target, status_code=307)

    return router
