"""The customer chat widget's assets, and a hosted demo shop page that embeds it."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Annotated

import jinja2
from fastapi import APIRouter, Query, Request
from fastapi.responses import FileResponse, HTMLResponse

from relaydesk.api.customer_auth import identity_signature
from relaydesk.api.deps import ServicesDep
from relaydesk.domain.errors import NotFound
from relaydesk.packs.paylater.backend.demo import ALICE_ID, SVEN_ID

router = APIRouter(tags=["widget"])

WIDGET_DIR = Path(__file__).resolve().parent.parent / "web" / "widget"
TEMPLATE_DIR = Path(__file__).resolve().parent / "templates"
WIDGET_PARTS = frozenset({"view", "chat", "transport"})
LANGUAGE_CODE = re.compile(r"^[a-z]{2,3}$")
# Short enough that a new release reaches visitors within minutes.
ASSET_CACHE = "public, max-age=300"


@dataclass(frozen=True)
class DemoShopper:
    customer_id: str
    name: str
    language: str | None  # None: the widget follows the browser


@dataclass(frozen=True)
class Product:
    name: str
    price: str
    instalment: str
    colour: str


DEMO_SHOPPERS = {
    ALICE_ID: DemoShopper(ALICE_ID, "Alice Andersson", None),
    SVEN_ID: DemoShopper(SVEN_ID, "Sven Svensson", "sv"),
}
PRODUCTS = (
    Product("Wireless headphones", "€240.00", "4 x €60.00", "#2f5d8a"),
    Product("Winter coat", "€149.90", "Pay in 30 days", "#6b4f3a"),
    Product("Sneakers", "€119.60", "4 x €29.90", "#3f7a4f"),
    Product("Television", "€1,249.00", "4 x €312.25", "#44475a"),
)


def _asset(name: str, media_type: str) -> FileResponse:
    return FileResponse(
        WIDGET_DIR / name, media_type=media_type, headers={"Cache-Control": ASSET_CACHE}
    )


@router.get("/widget.js", include_in_schema=False)
def widget_script() -> FileResponse:
    return _asset("widget.js", "text/javascript; charset=utf-8")


@router.get("/widget.css", include_in_schema=False)
def widget_styles() -> FileResponse:
    return _asset("widget.css", "text/css; charset=utf-8")


@router.get("/widget/{part}.js", include_in_schema=False)
def widget_part(part: str) -> FileResponse:
    """The widget's other scripts, which widget.js loads in order."""
    if part not in WIDGET_PARTS:
        raise NotFound("The widget has no such script.")
    return _asset(f"{part}.js", "text/javascript; charset=utf-8")


@router.get("/widget/i18n/{language}.json", include_in_schema=False)
def widget_labels(language: str) -> FileResponse:
    """The widget's own labels in one language."""
    labels = WIDGET_DIR / "i18n" / f"{language}.json"
    if not LANGUAGE_CODE.match(language) or not labels.is_file():
        raise NotFound("The widget has no labels in that language.")
    return _asset(f"i18n/{language}.json", "application/json")


@cache
def _templates() -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATE_DIR), autoescape=True, enable_async=False
    )


@router.get("/shop", response_class=HTMLResponse, include_in_schema=False)
def demo_shop(
    request: Request,
    services: ServicesDep,
    customer: Annotated[str, Query(max_length=64)] = ALICE_ID,
    anonymous: Annotated[bool, Query()] = False,
    lang: Annotated[str | None, Query(pattern=r"^[a-z]{2,3}$")] = None,
) -> HTMLResponse:
    """The pay-later demo shop, signed in as a demo customer (or a visitor), with the widget."""
    shopper = None if anonymous else DEMO_SHOPPERS.get(customer)
    if shopper is None and not anonymous:
        raise NotFound("The demo shop knows cust-alice and cust-sven, or ?anonymous=1.")
    base_url = str(request.base_url).rstrip("/")
    signature = (
        identity_signature(services.settings.identity_secret, shopper.customer_id)
        if shopper
        else None
    )
    template = _templates().get_template("shop/index.html")
    return HTMLResponse(
        template.render(
            base_url=base_url,
            shopper=shopper,
            signature=signature,
            language=lang or (shopper.language if shopper else None),
            products=PRODUCTS,
            shoppers=DEMO_SHOPPERS.values(),
        )
    )
