"""`/` leads somewhere useful whatever is mounted."""

from __future__ import annotations

from fastapi import FastAPI
from fastapi.testclient import TestClient

from relaydesk.api.home import home_router, landing_page


def test_the_landing_page_is_the_shop_then_the_docs_then_the_help_centre() -> None:
    assert landing_page(shop_mounted=True, docs_on=True) == "/shop"
    assert landing_page(shop_mounted=False, docs_on=True) == "/docs"
    assert landing_page(shop_mounted=False, docs_on=False) == "/help"


def test_the_root_redirects_to_the_landing_page() -> None:
    app = FastAPI()
    app.include_router(home_router("/help"))
    with TestClient(app) as client:
        answer = client.get("/", follow_redirects=False)
    assert answer.status_code == 307 and answer.headers["location"] == "/help"
