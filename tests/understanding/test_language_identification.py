from __future__ import annotations

import pytest

from relaydesk.assistant.understanding.language import (
    SUPPORTED_LANGUAGES,
    Cld2LanguageIdentifier,
    build_language_identifier,
    clean_text,
)


@pytest.fixture(scope="module")
def identifier() -> Cld2LanguageIdentifier:
    return Cld2LanguageIdentifier()


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("When will my next instalment be taken from my account?", "en"),
        ("Jag vill skjuta upp min betalning till nästa månad", "sv"),
        ("Ich möchte meine nächste Rate verschieben, bitte", "de"),
        ("Quiero aplazar el pago de este mes, por favor", "es"),
        ("Je voudrais reporter mon paiement au mois prochain", "fr"),
        ("Хочу перенести платёж на следующий месяц", "ru"),
        ("Bir sonraki ödememi ertelemek istiyorum lütfen", "tr"),
        ("أريد تأجيل الدفعة القادمة من فضلك", "ar"),
        ("ฉันต้องการเลื่อนการชำระเงินครั้งถัดไป", "th"),
        ("我想把下一期付款推迟到下个月", "zh"),
        ("次の支払いを来月に延ばしたいです", "ja"),
        ("다음 결제를 다음 달로 미루고 싶어요", "ko"),
    ],
)
def test_that_a_sentence_is_identified_in_its_language(
    identifier: Cld2LanguageIdentifier, text: str, language: str
) -> None:
    guess = identifier.identify(text, conversation_language="en")
    assert guess.language == language
    assert guess.confidence >= 0.5


def test_that_a_very_short_message_falls_back_to_the_conversation_language(
    identifier: Cld2LanguageIdentifier,
) -> None:
    assert identifier.identify("ok", conversation_language="sv").language == "sv"
    assert identifier.identify("hej", conversation_language="da").language == "da"


def test_that_one_word_in_a_script_of_its_own_is_identified_without_context(
    identifier: Cld2LanguageIdentifier,
) -> None:
    assert identifier.identify("상담원", conversation_language="en").language == "ko"
    assert identifier.identify("ありがとう", conversation_language="en").language == "ja"


@pytest.mark.parametrize("text", ["", "😀😀😀", "\x00\x01\x02", "\ud800\udc00\ud800", "a" * 10_000])
def test_that_unreadable_text_yields_a_supported_language_with_low_confidence(
    identifier: Cld2LanguageIdentifier, text: str
) -> None:
    guess = identifier.identify(text)
    assert guess.language in SUPPORTED_LANGUAGES
    assert guess.confidence <= 0.5


def test_that_at_least_35_languages_are_supported() -> None:
    assert len(set(SUPPORTED_LANGUAGES)) >= 35


def test_that_cleaning_removes_control_characters_and_repairs_surrogates() -> None:
    cleaned = clean_text("pay\x00me\x07 \ud800now")
    assert "\x00" not in cleaned and "\x07" not in cleaned
    cleaned.encode("utf-8")  # would raise on a lone surrogate


def test_that_an_unknown_backend_is_refused() -> None:
    with pytest.raises(ValueError, match="Unknown language backend"):
        build_language_identifier("guesswork")
