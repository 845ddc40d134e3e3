from __future__ import annotations

import time
from datetime import datetime

import pytest

from relaydesk.assistant.understanding import entities
from relaydesk.assistant.understanding.entities import ReferencePattern, extract_entities
from relaydesk.packs.paylater.slot_kinds import REFERENCES

NOW = datetime(2026, 11, 23, 12, 0)


def values(text: str, language: str = "en") -> list[tuple[str, str]]:
    return [(e.kind, e.value) for e in extract_entities(text, language, NOW, REFERENCES)]


def test_that_reference_ids_are_found_and_normalised_to_upper_case() -> None:
    found = values("order ord-123456, refund RF 654321 and dispute DS-000123")
    assert found == [
        ("order_id", "ORD-123456"),
        ("refund_id", "RF-654321"),
        ("dispute_id", "DS-000123"),
    ]


def test_that_ids_with_the_wrong_number_of_digits_are_not_ids() -> None:
    assert values("ORD-12345 and RF-1234567") == []


@pytest.mark.parametrize(
    ("text", "amount"),
    [
        ("I paid €49.90", "49.90 EUR"),
        ("it was 1.234,50 kr", "1234.50 SEK"),
        ("charged 20 EUR", "20.00 EUR"),
        ("only $5", "5.00 USD"),
        ("25 euros each", "25.00 EUR"),
    ],
)
def test_that_amounts_carry_a_normalised_number_and_currency(text: str, amount: str) -> None:
    assert ("amount", amount) in values(text)


def test_that_emails_are_lower_cased_and_phones_kept_as_digits_with_country_code() -> None:
    found = values("write to Anna.Berg@Example.COM or call +46 70 123 45 67")
    assert ("email", "anna.berg@example.com") in found
    assert ("phone", "+46701234567") in found


def test_that_a_phone_written_with_00_gets_a_plus() -> None:
    assert ("phone", "+491701234567") in values("Rufen Sie 0049 170 1234567 an", "de")


@pytest.mark.parametrize(
    ("text", "language", "date"),
    [
        ("kan jag betala den 15 mars", "sv", "2027-03-15"),
        ("Ich zahle morgen", "de", "2026-11-24"),
        ("Kan jag betala i morgon?", "sv", "2026-11-24"),
        ("Kan jeg betale i morgen?", "da", "2026-11-24"),
        ("Kan jeg betale i morgen?", "no", "2026-11-24"),
        ("Kann ich am 15. März zahlen?", "de", "2027-03-15"),
        ("Kan jeg betale den 15. marts?", "da", "2027-03-15"),
        ("Kan jeg betale den 15. mars?", "no", "2027-03-15"),
        ("Kann ich am 5.1 zahlen?", "de", "2027-01-05"),
        ("Zahlung am 1.12.2026 möglich?", "de", "2026-12-01"),
        ("Zahlung am 1.12. möglich?", "de", "2026-12-01"),
        ("Kann ich am 15.03. zahlen?", "de", "2027-03-15"),
        ("kan jag betala 5/1?", "sv", "2027-01-05"),
        ("kan jag betala 2027-01-05?", "sv", "2027-01-05"),
        ("je peux payer le 5/1 ?", "fr", "2027-01-05"),
        ("can I pay on 1/5?", "en", "2027-01-05"),
        ("Quiero pagar el 5 de enero", "es", "2027-01-05"),
        ("I want to pay on 2026-12-01", "en", "2026-12-01"),
        ("can I pay on Friday instead?", "en", "2026-11-27"),
    ],
)
def test_that_dates_in_many_languages_become_iso_dates(text: str, language: str, date: str) -> None:
    assert ("date", date) in values(text, language)


@pytest.mark.parametrize(
    ("text", "language", "dates"),
    [
        ("Guten Tag, ja", "de", []),
        ("Guten Tag, ich zahle am Freitag", "de", [("am Freitag", "2026-11-27")]),
        ("Bom dia, quando é o meu próximo pagamento?", "pt", []),
        ("Buenos días, ¿puedo pagar dentro de 3 días?", "es", [("de 3 días", "2026-11-26")]),
        ("Dzień dobry, tak", "pl", []),
        ("Добрый день, да", "ru", []),
        ("God dag, kan jag betala i morgon?", "sv", [("i morgon", "2026-11-24")]),
    ],
)
def test_that_a_greeting_with_a_day_in_it_is_no_date_and_is_not_searched(
    text: str, language: str, dates: list[tuple[str, str]], monkeypatch: pytest.MonkeyPatch
) -> None:
    searched: list[str] = []
    search = entities._search_dates
    monkeypatch.setattr(entities, "_search_dates", lambda *a: searched.append(a[0]) or search(*a))
    found = extract_entities(text, language, NOW)
    assert [(e.text, e.value) for e in found if e.kind == "date"] == dates
    assert bool(searched) == bool(dates)  # dateparser is asked only when a date is there


@pytest.mark.parametrize(
    ("text", "language", "dates"),
    [
        ("Guten Morgen, wann ist meine nächste Zahlung?", "de", []),
        ("Guten Morgen, kann ich morgen zahlen?", "de", [("morgen", "2026-11-24")]),
        ("Goede morgen, kan ik morgen betalen?", "nl", [("morgen", "2026-11-24")]),
        ("God morgen, hvornår er min næste betaling?", "da", []),
        ("God morgen, kan jeg betale i morgen?", "da", [("i morgen", "2026-11-24")]),
    ],
)
def test_that_good_morning_is_no_date_but_tomorrow_is(
    text: str, language: str, dates: list[tuple[str, str]]
) -> None:
    found = extract_entities(text, language, NOW)
    assert [(e.text, e.value) for e in found if e.kind == "date"] == dates


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("Mi cuenta fue hackeada", "es"),
        ("Ich möchte mit einem Menschen sprechen", "de"),
        ("Where is my refund? 3rd time asking", "en"),
        ("may I pay later", "en"),
        ("I want to pay now", "en"),
    ],
)
def test_that_ordinary_words_are_not_taken_for_dates(text: str, language: str) -> None:
    assert [kind for kind, _ in values(text, language) if kind == "date"] == []


def test_that_entity_spans_point_at_the_text_they_came_from() -> None:
    text = "Refund RF-123456 of €12,50 please"
    for entity in extract_entities(text, "en", NOW, REFERENCES):
        assert text[entity.start : entity.end] == entity.text


@pytest.mark.parametrize("text", ["1" * 10_000, "1 2 3 4 5 6 7 8 9 " * 500, "may march " * 1000])
def test_that_long_adversarial_input_is_handled_quickly(text: str) -> None:
    started = time.perf_counter()
    extract_entities(text, "en", NOW, REFERENCES)
    assert time.perf_counter() - started < 2.0


def test_that_reference_numbers_are_the_packs_declaration_not_cores() -> None:
    assert extract_entities("order ORD-123456", "en", NOW) == ()
    booking = ReferencePattern("booking_ref", "BK", 4)
    found = extract_entities("my booking is bk 0042, thanks", "en", NOW, [booking])
    assert [(e.kind, e.value, e.text) for e in found] == [("booking_ref", "BK-0042", "bk 0042")]


# Phrases with and without dates in several languages, ß and Greek included.
DATE_CORPUS = [
    ("kan jag betala den 15 mars", "sv"),
    ("När är min nästa betalning? Tack!", "sv"),
    ("Ich zahle morgen, geht das?", "de"),
    ("Ich möchte übermorgen zahlen. Grüße aus der Straße", "de"),
    ("Quiero pagar el 5 de enero", "es"),
    ("¿Cuándo es mi próximo pago?", "es"),
    ("Je voudrais payer vendredi prochain", "fr"),
    ("Quand est mon prochain paiement ?", "fr"),
    ("Μπορώ να πληρώσω την Παρασκευή;", "el"),  # noqa: RUF001
    ("can I pay on Friday instead?", "en"),
    ("push it to next month please", "en"),
    ("Hi, when is my next payment? - Claire", "en"),
    ("what is the late fee :)", "en"),
    ("I paid on 3/4 and again yesterday", "en"),
    ("Bonjour, je paie demain", "fr"),
    ("Oi, posso pagar na sexta-feira?", "pt"),
    ("明日払います", "ja"),
    ("kan jag betala i morgon - Maria", "sv"),
]


@pytest.mark.parametrize(("text", "language"), DATE_CORPUS)
def test_that_skipping_dateparser_on_clauses_without_date_words_finds_the_same_dates(
    text: str, language: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    skipping = values(text, language)
    monkeypatch.setattr(entities, "_may_hold_a_date", lambda _clause, _language: True)
    assert values(text, language) == skipping


@pytest.fixture
def asked(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The clauses dateparser is asked about, in order."""
    clauses: list[str] = []
    search = entities._search_dates
    monkeypatch.setattr(
        entities, "_search_dates", lambda text, *rest: clauses.append(text) or search(text, *rest)
    )
    return clauses


def test_that_a_message_without_digits_or_date_words_never_reaches_dateparser(
    asked: list[str],
) -> None:
    values("Hi, what is the late fee? - Claire", "en")
    assert asked == []
    values("can I pay on Friday instead?", "en")
    assert asked == ["can I pay on Friday instead"]


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("Bonjour, quand est mon prochain paiement ?", "fr"),  # "jour" inside Bonjour
        ("Oi, quais são as taxas por atraso?", "pt"),  # "qua", Wednesday, inside quais
        ("¿Cuánto cuesta si pago tarde?", "es"),  # "ago" inside pago
        ("welke kosten rekenen jullie?", "nl"),  # "jul" inside jullie
        ("Thanks - Maria", "en"),  # "mar" inside Maria
    ],
)
def test_that_a_date_word_inside_another_word_does_not_reach_dateparser(
    text: str, language: str, asked: list[str]
) -> None:
    assert values(text, language) == []
    assert asked == []


def test_that_a_relative_day_counts_from_now_and_not_from_a_word_read_as_a_date_before_it() -> None:
    # dateparser takes "je" for Thursday; without a base it read "demain" from that Thursday
    assert values("je paie demain", "fr") == [("date", "2026-11-24")]
    found = extract_entities("je paie demain", "fr")
    tomorrow = datetime.now().date().toordinal() + 1
    assert [e.value for e in found] in (
        [datetime.fromordinal(tomorrow).date().isoformat()],
        [datetime.fromordinal(tomorrow + 1).date().isoformat()],  # run across midnight
    )
