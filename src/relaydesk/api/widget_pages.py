"""The customer chat widget's assets, and a hosted demo shop page that embeds it."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import FileResponse, HTMLResponse, JSONResponse, Response

from relaydesk.api.customer_auth import identity_signature
from relaydesk.api.deps import ServicesDep
from relaydesk.domain.errors import NotFound
from relaydesk.pack import DemoCustomer, ShopPage

router = APIRouter(tags=["widget"])
# Mounted only when the pack has a demo page and settings.demo_shop is on (`relaydesk demo`).
shop_router = APIRouter(tags=["widget"])

WIDGET_DIR = Path(__file__).resolve().parent.parent / "web" / "widget"
WIDGET_PARTS = frozenset({"view", "chat", "transport"})
LANGUAGE_CODE = re.compile(r"^[a-z]{2,3}$")
HEX_COLOUR = re.compile(r"^#(?:[0-9a-fA-F]{3}|[0-9a-fA-F]{6})$")
# Branding.colours keys -> the widget's CSS variables (buttons carry white text on these)
BRAND_COLOURS = {"accent": "--rd-accent", "accent_dark": "--rd-accent-dark"}
# Short enough that a new release reaches visitors within minutes.
ASSET_CACHE = "public, max-age=300"


def _asset(name: str, media_type: str) -> FileResponse:
    return FileResponse(
        WIDGET_DIR / name, media_type=media_type, headers={"Cache-Control": ASSET_CACHE}
    )


@router.get("/widget.js", include_in_schema=False)
def widget_script() -> FileResponse:
    return _asset("widget.js", "text/javascript; charset=utf-8")


@router.get("/widget.css", include_in_schema=False)
def widget_styles(services: ServicesDep) -> Response:
    """The widget's styles in the pack's colours (only well-formed hex colours are used)."""
    css = (WIDGET_DIR / "widget.css").read_text(encoding="utf-8")
    colours = services.pack.branding.colours
    overrides = [
        f"{variable}: {colours[key]};"
        for key, variable in BRAND_COLOURS.items()
        if HEX_COLOUR.match(colours.get(key, ""))
    ]
    if overrides:
        css += "\n/* the pack's colours */\n.rd { " + " ".join(overrides) + " }\n"
    return Response(
        css, media_type="text/css; charset=utf-8", headers={"Cache-Control": ASSET_CACHE}
    )


@router.get("/widget/{part}.js", include_in_schema=False)
def widget_part(part: str) -> FileResponse:
    """The widget's other scripts, which widget.js loads in order."""
    if part not in WIDGET_PARTS:
        raise NotFound("The widget has no such script.")
    return _asset(f"{part}.js", "text/javascript; charset=utf-8")


@router.get("/widget/i18n/{language}.json", include_in_schema=False)
def widget_labels(language: str, services: ServicesDep) -> JSONResponse:
    """The widget's own labels in one language, greeting customers as the pack's business."""
    labels = WIDGET_DIR / "i18n" / f"{language}.json"
    if not LANGUAGE_CODE.match(language) or not labels.is_file():
        raise NotFound("The widget has no labels in that language.")
    content = json.loads(labels.read_text(encoding="utf-8"))
    greetings = services.pack.branding.widget_greeting
    content["greeting"] = greetings.get(language) or content.get("greeting") or greetings["en"]
    return JSONResponse(content, headers={"Cache-Control": ASSET_CACHE})


@shop_router.get("/shop", response_class=HTMLResponse, include_in_schema=False)
def demo_shop(
    request: Request,
    services: ServicesDep,
    customer: Annotated[str | None, Query(max_length=64)] = None,
    anonymous: Annotated[bool, Query()] = False,
    lang: Annotated[str | None, Query(pattern=r"^[a-z]{2,3}$")] = None,
) -> HTMLResponse:
    """The pack's demo page, signed in as a demo customer (or a visitor), with the widget."""
    demo = services.pack.demo
    if demo is None or demo.render_shop is None or not demo.customers:
        raise NotFound("This pack has no demo page.")
    shopper = None if anonymous else _demo_customer(demo.customers, customer)
    signature = (
        identity_signature(services.settings.identity_secret, shopper.customer_id)
        if shopper
        else None
    )
    page = ShopPage(
        base_url=str(request.base_url).rstrip("/"),
        shopper=shopper,
        signature=signature,
        language=lang or (shopper.language if shopper else None),
        shoppers=demo.customers,
        branding=services.pack.branding,
    )
    return HTMLResponse(demo.render_shop(page))


def _demo_customer(customers: tuple[DemoCustomer, ...], wanted: str | None) -> DemoCustomer:
    """The demo customer asked for; the first one when none is named."""
    if wanted is None:
        return customers[0]
    found = next((c for c in customers if c.customer_id == wanted), None)
    if found is None:
        known = " and ".join(c.customer_id for c in customers)
        raise NotFound(f"The demo shop knows {known}, or ?anonymous=1.")
    return found
