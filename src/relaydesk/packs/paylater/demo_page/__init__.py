"""The demo company's shop page: products that can be paid later, and the chat widget."""

from __future__ import annotations

from relaydesk.pack.demo_shop import ShopProduct, shop_renderer

PRODUCTS = (
    ShopProduct("Wireless headphones", "€240.00", "4 x €60.00", "#2f5d8a"),
    ShopProduct("Winter coat", "€149.90", "Pay in 30 days", "#6b4f3a"),
    ShopProduct("Sneakers", "€119.60", "4 x €29.90", "#3f7a4f"),
    ShopProduct("Television", "€1,249.00", "4 x €312.25", "#44475a"),
)

INTRO = (
    "Everything here can be paid later: in 30 days or in 4 interest-free instalments. "
    "Questions about an order or a payment? Open the chat in the corner."
)

render_shop = shop_renderer(INTRO, PRODUCTS)
