"""relaydesk's demo shop page, as any pack shows it through `shop_renderer`."""

from __future__ import annotations

from relaydesk.pack import Branding, DemoCustomer
from relaydesk.pack.contract import ShopPage
from relaydesk.pack.demo_shop import ShopProduct, shop_renderer

RIDER = DemoCustomer("rider-1", "Robin Rider")
OTHER = DemoCustomer("rider-2", "Sam Spoke")
render = shop_renderer(
    "Bikes <b>and</b> parts", (ShopProduct("Gravel bike", "€1,200", "3 sizes", "#123456"),)
)


def page(shopper: DemoCustomer | None) -> str:
    branding = Branding("Spokes", "Spokes help", {"en": "Hi!"}, {"accent": "#0a7d5a"})
    return render(ShopPage("http://127.0.0.1:9", shopper, "sig" if shopper else None, None,
                           (RIDER, OTHER), branding))


def test_the_page_shows_the_packs_intro_escaped_and_its_products() -> None:
    html = page(None)
    assert "Spokes demo shop" in html
    assert "Bikes &lt;b&gt;and&lt;/b&gt; parts" in html
    assert "Gravel bike" in html and "3 sizes" in html and "#123456" in html
    assert "color: #0a7d5a" in html  # links in the brand's colour


def test_a_signed_in_shopper_is_signed_into_the_widget_and_can_switch() -> None:
    html = page(RIDER)
    assert 'data-customer-ref="rider-1"' in html and 'data-customer-signature="sig"' in html
    assert "Sign in as Sam" in html and "Sign in as Robin" not in html
    visitor = page(None)
    assert "Browsing as a visitor" in visitor and "data-customer-ref" not in visitor
