"""The store's demo page: a few of its products, and the chat widget."""

from __future__ import annotations

from relaydesk.pack import DemoCustomer, DemoParts
from relaydesk.pack.demo_shop import ShopProduct, shop_renderer
from relaydesk.packs.retail.simulation import SIMULATION

# From db.json's catalogue: a price of one available variant, and how many there are.
PRODUCTS = (
    ShopProduct("Mechanical Keyboard", "from $226.11", "20 variants: switches, backlight, size",
                "#334155"),
    ShopProduct("Smart Thermostat", "from $226.02", "9 variants: compatibility, colour",
                "#0f766e"),
    ShopProduct("Water Bottle", "from $45.09", "18 variants: capacity, material, colour",
                "#1d4ed8"),
    ShopProduct("Hiking Boots", "from $236.57", "19 variants: size, material, waterproof",
                "#78350f"),
)

INTRO = (
    "Orders, returns and exchanges: ask in the chat in the corner. Signed out, the assistant "
    "first confirms who you are (your email, or your name and zip code)."
)

# Two of db.json's customers the page can be signed in as (the widget then needs no check).
CUSTOMERS = (
    DemoCustomer("yusuf_rossi_9620", "Yusuf Rossi"),
    DemoCustomer("noah_brown_6181", "Noah Brown"),
)


render_shop = shop_renderer(INTRO, PRODUCTS)

DEMO = DemoParts(customers=CUSTOMERS, render_shop=render_shop, simulation=SIMULATION)
