# ruff: noqa: RUF001  (messages in many scripts on purpose)
from __future__ import annotations

import pytest

from relaydesk.assistant.understanding.frustration import frustration_score
from relaydesk.assistant.understanding.human_request import asks_for_human


def test_that_a_calm_question_has_no_frustration() -> None:
    assert frustration_score("Hi, when is my next payment due?") == 0.0


@pytest.mark.parametrize(
    "text",
    [
        "THIS IS THE THIRD TIME I ASK, WHERE IS MY MONEY!!!",
        "Das ist eine Frechheit, schon wieder keine Antwort!",
        "Esto es inaceptable, otra vez sin reembolso 😡",
        "你们是骗子，第三次了",
    ],
)
def test_that_anger_repetition_and_shouting_raise_frustration(text: str) -> None:
    assert frustration_score(text) >= 0.5


# Per language: an angry word, a "third time"/"again" phrase, a "nobody helps" complaint, and
# a calm sentence. Each signal alone raises the score; all three together hand over
# (frustration_high in EscalationPolicy is 0.65) even without shouting or "!!!".
SIGNALS_BY_LANGUAGE = {
    "en": ("This is ridiculous", "I am writing for the third time", "nobody helps me",
           "I would like to know when my next payment is due"),
    "es": ("Esto es ridículo", "escribo por tercera vez", "nadie me ayuda",
           "Quisiera saber cuándo vence mi próximo pago"),
    "sv": ("Det här är löjligt", "jag skriver för tredje gången", "ingen hjälper mig",
           "Jag undrar när min nästa betalning ska betalas"),
    "de": ("Das ist lächerlich", "ich schreibe zum dritten Mal", "niemand hilft mir",
           "Ich möchte wissen, wann meine nächste Zahlung fällig ist"),
    "fr": ("C'est inadmissible", "j'écris pour la troisième fois", "personne ne m’aide",
           "Je voudrais savoir quand mon prochain paiement est dû"),
    "it": ("È ridicolo", "scrivo per la terza volta", "nessuno mi aiuta",
           "Vorrei sapere quando scade il mio prossimo pagamento"),
    "nl": ("Dit is belachelijk", "ik schrijf voor de derde keer", "niemand helpt mij",
           "Ik wil graag weten wanneer mijn volgende betaling is"),
    "pt": ("Isto é uma vergonha", "escrevo pela terceira vez", "ninguém me ajuda",
           "Gostaria de saber quando vence o meu próximo pagamento"),
    "pl": ("To jest skandaliczne", "piszę po raz trzeci", "nikt mi nie pomaga",
           "Chciałbym wiedzieć, kiedy jest moja następna płatność"),
    "da": ("Det er latterligt", "jeg skriver for tredje gang", "ingen hjælper mig",
           "Jeg vil gerne vide, hvornår min næste betaling forfalder"),
    "nb": ("Dette er latterlig", "jeg skriver for tredje gang", "ingen hjelper meg",
           "Jeg lurer på når min neste betaling forfaller"),
    "fi": ("Tämä on naurettavaa", "kirjoitan jo kolmannen kerran", "kukaan ei auta minua",
           "Haluaisin tietää, milloin seuraava maksuni erääntyy"),
}  # fmt: skip
FRUSTRATION_HIGH = 0.65


@pytest.mark.parametrize("language", sorted(SIGNALS_BY_LANGUAGE))
def test_that_each_frustration_signal_counts_in_each_supported_language(language: str) -> None:
    anger, repetition, neglect, calm = SIGNALS_BY_LANGUAGE[language]
    assert frustration_score(calm) == 0.0
    for signal in (anger, repetition, neglect):
        assert frustration_score(f"{calm}. {signal}.") > 0.0, signal
    assert frustration_score(f"{anger}, {repetition} and {neglect}.") >= FRUSTRATION_HIGH


def test_that_the_german_third_time_complaint_is_as_frustrated_as_the_english_one() -> None:
    german = "DAS IST LÄCHERLICH, ich schreibe zum dritten Mal und niemand hilft mir!!!"
    english = "THIS IS RIDICULOUS, the third time I am writing and nobody helps me!!!"
    assert frustration_score(german) >= FRUSTRATION_HIGH
    assert frustration_score(german) == frustration_score(english)


def test_that_more_signals_mean_more_frustration_and_never_above_one() -> None:
    mild = frustration_score("this is annoying")
    strong = frustration_score("THIS IS RIDICULOUS AND UNACCEPTABLE, STILL NOTHING AGAIN!!! 😡")
    assert 0 < mild < strong <= 1.0


@pytest.mark.parametrize(
    "text",
    [
        "I want to talk to a human",
        "Jag vill prata med en människa",
        "Kann ich mit einem Menschen sprechen?",
        "Je veux parler à un conseiller",
        "Quiero hablar con una persona",
        "Хочу поговорить с оператором",
        "상담원 연결해 주세요",
        "转人工",
        "Can I speak to someone?",
        "agent",
    ],
)
def test_that_asking_for_a_person_is_recognised_by_words_alone(text: str) -> None:
    assert asks_for_human(text)


@pytest.mark.parametrize(
    "text",
    [
        "Someone else used my card",
        "my personal details are wrong",
        "다른 사람이 내 카드를 썼어요",
        "what is on my agenda",
        "When is my next payment?",
    ],
)
def test_that_everyday_uses_of_person_words_are_not_a_request_for_one(text: str) -> None:
    assert not asks_for_human(text)
