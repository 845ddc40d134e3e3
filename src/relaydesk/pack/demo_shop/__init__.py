"""A demo shop page any pack can show: its products, sign-in as a demo customer, the widget."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import jinja2

from relaydesk.pack.contract import ShopPage


@dataclass(frozen=True)
class ShopProduct:
    name: str
    price: str
    detail: str  # the line under the price: how to pay, which variants...
    colour: str  # the swatch standing in for a photo


@cache
def _templates() -> jinja2.Environment:
    loader = jinja2.FileSystemLoader(Path(__file__).parent)
    return jinja2.Environment(loader=loader, autoescape=True)


def shop_renderer(intro: str, products: Sequence[ShopProduct]) -> Callable[[ShopPage], str]:
    """The pack's `render_shop`: its intro line and products on relaydesk's demo page."""

    def render_shop(page: ShopPage) -> str:
        return _templates().get_template("shop.html").render(
            base_url=page.base_url,
            shopper=page.shopper,
            signature=page.signature,
            language=page.language,
            shoppers=page.shoppers,
            branding=page.branding,
            intro=intro,
            products=tuple(products),
        )

    return render_shop
