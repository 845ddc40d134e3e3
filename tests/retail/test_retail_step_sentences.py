"""The store's step speaks from the pack's catalogs: every sentence in en, de, es, fr and sv."""

from __future__ import annotations

from pathlib import Path

import pytest

import relaydesk.packs.retail
from relaydesk.assistant.replies import ReplyCatalog, placeholders
from relaydesk.packs.retail.dialogue.proposals import Proposal
from relaydesk.packs.retail.dialogue.refusals import refusal
from relaydesk.packs.retail.dialogue.sentences import Say, in_language
from relaydesk.packs.retail.dialogue.step import StoreStep
from relaydesk.tools import deny

LOCALE = Path(relaydesk.packs.retail.__file__).parent / "locale"
LANGUAGES = ("en", "de", "es", "fr", "sv")
KEYBOARD = {"item_id": "1", "name": "Mechanical Keyboard", "price": 272.33,
            "options": {"switch type": "linear", "backlight": "RGB"}}
CLICKY = {"item_id": "2", "name": "Mechanical Keyboard", "price": 255.70,
          "options": {"switch type": "clicky", "backlight": "none"}}
VISA = {"source": "credit_card", "brand": "visa", "last_four": "2478",
        "payment_method_id": "credit_card_1"}


@pytest.fixture(scope="module")
def catalog() -> ReplyCatalog:
    return ReplyCatalog.load(LOCALE)


def test_every_sentence_of_the_step_is_in_every_language_with_the_english_placeholders(
    catalog: ReplyCatalog,
) -> None:
    assert set(catalog.languages()) == set(LANGUAGES)
    for language in LANGUAGES:
        for key in sorted(StoreStep.reply_keys):
            assert catalog.has(key, language), (language, key)
            english = placeholders(catalog.template(key, "en"))
            assert placeholders(catalog.template(key, language)) == english, (language, key)


def test_a_translated_sentence_is_not_the_english_one_left_in_place(
    catalog: ReplyCatalog,
) -> None:
    same = [
        (language, key)
        for language in LANGUAGES[1:]
        for key in sorted(StoreStep.reply_keys)
        if key != "store.method.paypal"  # a brand, in every language
        and catalog.template(key, language) == catalog.template(key, "en")
    ]
    assert same == []


def test_the_compiled_catalogs_match_their_sources(catalog: ReplyCatalog) -> None:
    sources = ReplyCatalog.load_sources(LOCALE)
    for language in LANGUAGES:
        for key in sources.message_keys() | catalog.message_keys():
            assert sources.template(key, language) == catalog.template(key, language), key


def test_an_exchange_is_listed_in_the_customers_language_with_its_details() -> None:
    proposal = Proposal("exchange", "#W2378156", items=[KEYBOARD], new_items=[CLICKY],
                        method=VISA)
    asked = Say("store.confirm", {"proposal": proposal.describe()})
    english, german = in_language(asked), in_language(asked, "de")
    assert english.startswith("Exchange in order #W2378156: Mechanical Keyboard")
    assert "you get $16.63 back, with your Visa card ending 2478" in english
    assert english.endswith("Would you like me to go ahead? (yes/no)")
    assert "Sie erhalten $16.63 zurück, über Ihre Visa-Karte mit Endziffern 2478" in german
    assert german.endswith("Soll ich das so ausführen? (ja/nein)")


def test_a_refusal_names_the_status_in_the_customers_language() -> None:
    refused = refusal(deny("not_delivered", order_id="#W1", status="pending"))
    assert in_language(refused) == (
        "Order #W1 is pending: only delivered orders can be returned or exchanged."
    )
    assert in_language(refused, "sv").startswith("Order #W1 är väntande:")
    assert in_language(refusal(deny("not_delivered"))) == (
        "I'm sorry, that could not be done (not delivered)."
    )
