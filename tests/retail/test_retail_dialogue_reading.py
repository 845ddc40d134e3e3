"""Reading customers' words: identity, order ids, which variant their words describe."""

from __future__ import annotations

from typing import Any

from relaydesk.packs.retail.dialogue import words as w
from relaydesk.packs.retail.dialogue.matching import choose_variant, mentioned_at

KEYBOARD = {"item_id": "1151293680", "name": "Mechanical Keyboard", "price": 272.33,
            "options": {"switch type": "linear", "backlight": "RGB", "size": "full size"}}


def _variant(item_id: str, price: float, available: bool = True, **options: str) -> Any:
    return {"item_id": item_id, "price": price, "available": available,
            "options": {key.replace("_", " "): value for key, value in options.items()}}


KEYBOARDS = [
    _variant("1151293680", 272.33, switch_type="linear", backlight="RGB", size="full size"),
    _variant("9025753381", 231.58, False, switch_type="clicky", backlight="RGB", size="full size"),
    _variant("7706410293", 269.16, switch_type="clicky", backlight="none", size="full size"),
    _variant("6342039236", 244.91, switch_type="clicky", backlight="white", size="full size"),
    _variant("2299424241", 237.48, switch_type="clicky", backlight="RGB", size="80%"),
]


def test_identity_and_order_ids_are_read_however_they_are_typed() -> None:
    assert w.emails("it's Yusuf.Rossi7301@Example.com thanks") == ["yusuf.rossi7301@example.com"]
    assert w.full_name("Hi, I'm Yusuf Rossi, zip code 19122.") == ("Yusuf", "Rossi")
    assert w.zip_code("order #W2378156, zip 19122") == "19122"
    assert w.order_ids("#W2378156 and w 6247578, also W4776164") == [
        "#W2378156", "#W6247578", "#W4776164"]
    assert w.full_name("my user id is yusuf_rossi_9620") is None


def test_yes_no_and_the_policys_cancellation_reasons() -> None:
    assert w.is_yes("Yes, please go ahead.")
    assert not w.is_yes("No, wait.")
    assert w.is_no("No, I'll keep it.")
    assert w.cancel_reason("I ordered it by mistake") == "ordered by mistake"
    assert w.cancel_reason("I no longer need them") == "no longer needed"
    assert w.cancel_reason("I found it cheaper elsewhere") is None


def test_products_are_found_by_name_or_by_what_people_call_them() -> None:
    assert mentioned_at("the keyboard and the thermostat", "Mechanical Keyboard") == 1
    assert mentioned_at("two t-shirts", "T-Shirt") == 1
    assert mentioned_at("my new e-reader", "E-Reader") >= 0
    assert mentioned_at("the headphones", "Headphones") == 1
    assert mentioned_at("the chair", "Mechanical Keyboard") == -1


def test_a_variant_keeps_the_unnamed_options_and_asks_when_several_fit() -> None:
    several = choose_variant("the same one but with clicky switches", KEYBOARD, KEYBOARDS)
    assert several.variant is None  # clicky in full size comes with no or white backlight
    assert several.wanted == {"switch type": "clicky"}
    chosen = choose_variant("clicky switches, no backlight", KEYBOARD, KEYBOARDS)
    assert chosen.variant is not None and chosen.variant["item_id"] == "7706410293"
    unavailable = choose_variant("clicky, RGB, full size", KEYBOARD, KEYBOARDS)
    assert unavailable.variant is None and unavailable.candidates == []


def test_cheapest_most_and_one_step_wishes_pick_by_order() -> None:
    cheapest = choose_variant("the cheapest clicky one", KEYBOARD, KEYBOARDS, prefer="cheapest")
    assert cheapest.variant is not None and cheapest.variant["item_id"] == "2299424241"
    shirt = {"item_id": "1", "price": 50.0, "options": {"size": "L", "color": "red"}}
    shirts = [
        _variant("2", 51.0, size="M", color="red"), _variant("3", 52.0, size="S", color="red"),
        _variant("4", 53.0, size="XL", color="red"),
    ]
    smaller = choose_variant("one size smaller please", shirt, shirts)
    assert smaller.variant is not None and smaller.variant["item_id"] == "2"
    camera = {"item_id": "c1", "price": 1.0, "options": {"zoom": "3x", "storage": "SD card"}}
    cameras = [_variant("c2", 2.0, zoom="5x", storage="SD card"),
               _variant("c3", 3.0, zoom="10x", storage="SD card"),
               _variant("c4", 3.0, zoom="10x", storage="CF card")]
    most = choose_variant("the maximum zoom, everything else the same", camera, cameras)
    assert most.variant is not None and most.variant["item_id"] == "c3"
