"""The store's demo page: a few of its products, and the chat widget."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path

import jinja2

from relaydesk.pack import DemoCustomer, DemoParts, ShopPage
from relaydesk.packs.retail.simulation import SIMULATION

PAGE_DIR = Path(__file__).parent


@dataclass(frozen=True)
class Product:
    name: str
    price: str
    variants: str
    colour: str


# From db.json's catalogue: a price of one available variant, and how many there are.
PRODUCTS = (
    Product("Mechanical Keyboard", "from $226.11", "20 variants: switches, backlight, size",
            "#334155"),
    Product("Smart Thermostat", "from $226.02", "9 variants: compatibility, colour", "#0f766e"),
    Product("Water Bottle", "from $45.09", "18 variants: capacity, material, colour",
            "#1d4ed8"),
    Product("Hiking Boots", "from $236.57", "19 variants: size, material, waterproof",
            "#78350f"),
)

# Two of db.json's customers the page can be signed in as (the widget then needs no check).
CUSTOMERS = (
    DemoCustomer("yusuf_rossi_9620", "Yusuf Rossi"),
    DemoCustomer("noah_brown_6181", "Noah Brown"),
)


@cache
def _templates() -> jinja2.Environment:
    return jinja2.Environment(loader=jinja2.FileSystemLoader(PAGE_DIR), autoescape=True)


def render_shop(page: ShopPage) -> str:
    """The store signed in as `page.shopper` (or a visitor), with the widget."""
    return _templates().get_template("shop.html").render(
        base_url=page.base_url,
        shopper=page.shopper,
        signature=page.signature,
        language=page.language,
        products=PRODUCTS,
        shoppers=page.shoppers,
        branding=page.branding,
    )


DEMO = DemoParts(customers=CUSTOMERS, render_shop=render_shop, simulation=SIMULATION)
