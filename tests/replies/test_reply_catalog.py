"""Replies come from gettext catalogs, in the customer's language, falling back to English."""

from __future__ import annotations

import gettext
import io
import re
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

import relaydesk.packs.paylater
from relaydesk.assistant.replies import (
    MissingReply,
    ReplyCatalog,
    compile_catalogs,
    format_amount,
    format_date,
    placeholders,
)

LOCALE = Path(relaydesk.packs.paylater.__file__).parent / "locale"
# The 35 languages the README promises: replies, widget texts and conversation tests in each.
REQUIRED_LANGUAGES = {
    "en", "sv", "de", "es", "fr", "it", "nl", "da", "fi", "pl", "pt", "nb", "ja", "zh", "ko",
    "ar", "he", "hi", "tr", "ru", "uk", "cs", "sk", "ro", "hu", "el", "th", "vi", "id", "bg",
    "hr", "sl", "lt", "lv", "et",
}  # fmt: skip
# Refusal keys end in the tool's own denial reason: postpone.denied.<reason>.
REQUIRED_KEYS = {
    "greeting", "goodbye", "thanks_reply", "clarify", "offer_human",
    "apology_tool_error", "cancelled", "ask_order_id",
    "ask_confirm_postpone", "ask_days", "ask_email", "ask_address", "ask_dispute_reason",
    "ask_verify_identity", "next_payment.answer", "next_payment.none", "postpone.done",
    "postpone.denied.already_used", "postpone.denied.too_many_days", "postpone.denied.overdue",
    "postpone.denied.already_paid", "pay.done", "pause.done",
    "pause.denied.no_return_in_progress", "refund.status", "refund.none",
    "refund.needs_approval", "refund.approved", "refund.rejected", "dispute.opened",
    "dispute.opened.by_email", "dispute.denied.window_closed", "dispute.denied.already_open",
    "email.updated", "address.updated", "payment_method.changed", "fee.explained",
    "knowledge.answer", "not_your_order", "confirm_yes", "confirm_no", "sensitive.ack",
}  # fmt: skip
WORD_BUDGET = 60


@pytest.fixture(scope="module")
def catalog() -> ReplyCatalog:
    return ReplyCatalog.load(LOCALE)


def test_the_catalog_ships_english_and_thirty_four_more_languages(catalog: ReplyCatalog) -> None:
    assert set(catalog.languages()) >= REQUIRED_LANGUAGES
    assert len(REQUIRED_LANGUAGES) == 35
    assert catalog.languages()[0] == "en"


def test_english_defines_every_reply_the_assistant_needs(catalog: ReplyCatalog) -> None:
    assert catalog.message_keys() >= REQUIRED_KEYS


def test_every_required_language_translates_every_key(catalog: ReplyCatalog) -> None:
    for language in REQUIRED_LANGUAGES:
        missing = sorted(key for key in catalog.message_keys() if not catalog.has(key, language))
        assert missing == [], language


def test_no_catalog_has_a_key_english_lacks(catalog: ReplyCatalog) -> None:
    sources = ReplyCatalog.load_sources(LOCALE)
    for po_path in sorted(LOCALE.glob("*/LC_MESSAGES/messages.po")):
        with po_path.open("rb") as po_file:
            keys = {message.id for message in read_po(po_file) if message.id}
        assert keys <= sources.message_keys(), (
            po_path.parent.parent.name,
            keys - sources.message_keys(),
        )


def test_a_translation_is_not_the_english_sentence_left_in_place(catalog: ReplyCatalog) -> None:
    # One-word texts may coincide ("No" in Spanish); a sentence of three words or more may not.
    sentences = [
        key
        for key in catalog.message_keys()
        if len(re.sub(r"\{\w+\}", " ", catalog.template(key, "en")).split()) >= 3
    ]
    for language in sorted(REQUIRED_LANGUAGES - {"en"}):
        same = [k for k in sentences if catalog.template(k, language) == catalog.template(k, "en")]
        assert same == [], language


def test_every_translation_uses_exactly_the_english_placeholders(catalog: ReplyCatalog) -> None:
    for language in catalog.languages():
        for key in catalog.message_keys():
            expected = placeholders(catalog.template(key, "en"))
            assert placeholders(catalog.template(key, language)) == expected, (language, key)


def test_every_reply_fits_the_sixty_word_budget(catalog: ReplyCatalog) -> None:
    for language in catalog.languages():
        for key in catalog.message_keys():
            assert len(catalog.template(key, language).split()) < WORD_BUDGET, (language, key)


def test_the_compiled_catalogs_match_their_po_sources(catalog: ReplyCatalog) -> None:
    sources = ReplyCatalog.load_sources(LOCALE)
    assert sources.languages() == catalog.languages()
    for language in catalog.languages():
        for key in sources.message_keys() | catalog.message_keys():
            assert sources.template(key, language) == catalog.template(key, language), key


def test_no_pack_keeps_a_reply_of_its_own_for_when_nobody_is_online() -> None:
    # The desk says it (queue_notices: nobody_online, closed), offering email only when
    # relaydesk sends email; a pack's own reply for it would never be said.
    packs = LOCALE.parent.parent
    for po_path in sorted(packs.glob("*/locale/*/LC_MESSAGES/messages.po")):
        with po_path.open("rb") as po_file:
            keys = {message.id for message in read_po(po_file)}
        assert "escalated_no_agents" not in keys, po_path


def test_a_reply_is_rendered_with_its_placeholders_filled(catalog: ReplyCatalog) -> None:
    text = catalog.render(
        "next_payment.answer", "en", amount="€25.00", date="14 March 2026", order_id="PL-1001"
    )
    assert text == "Your next payment of €25.00 is due on 14 March 2026 (order PL-1001)."


def test_a_swedish_customer_gets_swedish_text(catalog: ReplyCatalog) -> None:
    text = catalog.render(
        "next_payment.answer", "sv", amount="250,00 kr", date="14 mars 2026", order_id="PL-1"
    )
    assert text.startswith("Din nästa betalning på 250,00 kr")


def test_a_regional_tag_uses_its_base_language(catalog: ReplyCatalog) -> None:
    assert catalog.render("confirm_yes", "pt-BR") == "Sim"
    assert catalog.render("confirm_yes", "de_AT") == "Ja"


def test_norwegian_as_the_language_identifier_names_it_gets_the_bokmal_catalog(
    catalog: ReplyCatalog,
) -> None:
    assert catalog.render("confirm_yes", "no") == "Ja"
    assert catalog.render("confirm_no", "nn") == catalog.render("confirm_no", "nb") == "Nei"


def test_right_to_left_and_cjk_catalogs_render_their_own_script(catalog: ReplyCatalog) -> None:
    params = {"amount": "60,00 €", "date": "14 مارس 2026", "order_id": "ORD-1"}
    assert catalog.render("next_payment.answer", "ar", **params).startswith("دفعتك التالية")
    assert "次回のお支払い" in catalog.render("next_payment.answer", "ja", **params)


def test_a_language_without_a_catalog_gets_english(catalog: ReplyCatalog) -> None:
    assert catalog.render("confirm_no", "xx") == "No"


def test_a_missing_key_is_an_error_not_a_silent_message_key(catalog: ReplyCatalog) -> None:
    with pytest.raises(MissingReply):
        catalog.render("no.such.reply", "en")


def test_a_missing_parameter_is_an_error(catalog: ReplyCatalog) -> None:
    with pytest.raises(KeyError):
        catalog.render("next_payment.answer", "fr", amount="25,00 €")


def _translations(messages: dict[str, str], locale: str) -> gettext.GNUTranslations:
    source = Catalog(locale=locale)
    for key, text in messages.items():
        source.add(key, text)
    buffer = io.BytesIO()
    write_mo(buffer, source)
    buffer.seek(0)
    return gettext.GNUTranslations(buffer)


def test_a_string_missing_from_a_language_falls_back_to_english_alone() -> None:
    replies = ReplyCatalog(
        {
            "en": _translations({"confirm_yes": "Yes", "goodbye": "Bye!"}, "en"),
            "sv": _translations({"confirm_yes": "Ja", "goodbye": ""}, "sv"),
        }
    )
    assert replies.render("confirm_yes", "sv") == "Ja"
    assert replies.render("goodbye", "sv") == "Bye!"
    assert not replies.has("goodbye", "sv")


def test_a_translation_with_a_broken_placeholder_falls_back_to_english() -> None:
    replies = ReplyCatalog(
        {
            "en": _translations({"value_refused": "I can't use {value}."}, "en"),
            "de": _translations({"value_refused": "{valeu} kann ich nicht verwenden."}, "de"),
        }
    )
    assert replies.render("value_refused", "de", value="-5") == "I can't use -5."


def test_a_catalog_without_english_is_refused() -> None:
    with pytest.raises(ValueError, match="English"):
        ReplyCatalog({"sv": _translations({"confirm_yes": "Ja"}, "sv")})


def test_compiling_writes_a_mo_next_to_each_po(tmp_path: Path) -> None:
    folder = tmp_path / "en" / "LC_MESSAGES"
    folder.mkdir(parents=True)
    (folder / "messages.po").write_text('msgid "confirm_yes"\nmsgstr "Yes"\n', encoding="utf-8")
    assert compile_catalogs(tmp_path) == [folder / "messages.mo"]
    assert ReplyCatalog.load(tmp_path).render("confirm_yes", "en") == "Yes"


def test_fuzzy_translations_are_not_shipped() -> None:
    po = read_po(io.StringIO('#, fuzzy\nmsgid "confirm_yes"\nmsgstr "Jaa"\n'), locale="sv")
    buffer = io.BytesIO()
    write_mo(buffer, po)
    buffer.seek(0)
    replies = ReplyCatalog(
        {"en": _translations({"confirm_yes": "Yes"}, "en"), "sv": gettext.GNUTranslations(buffer)}
    )
    assert replies.render("confirm_yes", "sv") == "Yes"


def test_dates_are_written_the_local_way() -> None:
    day = date(2026, 3, 14)
    assert format_date(day, "en") == "14 March 2026"
    assert format_date(day, "sv") == "14 mars 2026"
    assert format_date(day, "de") == "14. März 2026"
    assert format_date(day, "es") == "14 de marzo de 2026"


def test_amounts_are_written_the_local_way() -> None:
    assert format_amount(Decimal("49.9"), "EUR", "en") == "€49.90"
    assert format_amount(Decimal("49.9"), "EUR", "de") == "49,90\xa0€"
    assert format_amount(500, "SEK", "sv") == "500,00\xa0kr"


def test_an_unknown_language_formats_like_english() -> None:
    assert format_date(date(2026, 3, 14), "zz") == "14 March 2026"
    assert format_amount("5", "eur", "not-a-locale") == "€5.00"


def test_the_readme_lists_every_language_the_replies_are_written_in(
    catalog: ReplyCatalog,
) -> None:
    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")
    section = readme[readme.index("## Languages") :].split("\n## ", 1)[0]
    assert {code for code in catalog.languages() if f"({code})" not in section} == set()
