"""The demo company's shop page: products that can be paid later, and the chat widget."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path

import jinja2

from relaydesk.pack import ShopPage

PAGE_DIR = Path(__file__).parent


@dataclass(frozen=True)
class Product:
    name: str
    price: str
    instalment: str
    colour: str


PRODUCTS = (
    Product("Wireless headphones", "€240.00", "4 x €60.00", "#2f5d8a"),
    Product("Winter coat", "€149.90", "Pay in 30 days", "#6b4f3a"),
    Product("Sneakers", "€119.60", "4 x €29.90", "#3f7a4f"),
    Product("Television", "€1,249.00", "4 x €312.25", "#44475a"),
)


@cache
def _templates() -> jinja2.Environment:
    return jinja2.Environment(loader=jinja2.FileSystemLoader(PAGE_DIR), autoescape=True)


def render_shop(page: ShopPage) -> str:
    """The shop signed in as `page.shopper` (or a visitor), with the widget."""
    return _templates().get_template("shop.html").render(
        base_url=page.base_url,
        shopper=page.shopper,
        signature=page.signature,
        language=page.language,
        products=PRODUCTS,
        shoppers=page.shoppers,
        branding=page.branding,
    )
