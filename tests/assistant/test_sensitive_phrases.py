"""Legal threats and signs of vulnerability: found by phrases in every demo language."""

from __future__ import annotations

import pytest

from relaydesk.assistant.dialogue import DialogueState
from relaydesk.assistant.escalation import EscalationPolicy, sensitive_topic
from relaydesk.assistant.understanding import Understanding
from relaydesk.domain.agents import queue_priority
from relaydesk.packs.paylater.assistant import SENSITIVE_INTENTS, SENSITIVE_PHRASES

LEGAL_THREATS = {
    "en": "If this is not fixed I will take legal action.",
    "de": "Ich schalte jetzt meinen Anwalt ein.",
    "sv": "Jag kommer att kontakta en advokat om det här.",
    "da": "Jeg vil sagsøge jer, hvis det ikke bliver løst.",
    "nb": "Jeg kommer til å saksøke dere for dette.",
    "nl": "Ik neem juridische stappen als dit niet opgelost wordt.",
    "fr": "Je vais porter plainte contre vous.",
    "es": "Voy a hablar con mi abogado.",
    "it": "Mi rivolgerò a un avvocato.",
    "pt": "Vou falar com o meu advogado.",
    "pl": "Skieruję sprawę do sądu.",
    "fi": "Otan yhteyttä asianajajaan, jos tätä ei korjata.",
}
VULNERABILITY = {
    "en": "My dad has dementia and I handle his payments.",
    "de": "Ich liege im Krankenhaus und kann mich um nichts kümmern.",
    "sv": "Jag har depression och orkar inte längre.",
    "da": "Min mor har demens, og jeg hjælper hende med betalingerne.",
    "nb": "Jeg ligger på sykehus og orker ikke mer.",
    "nl": "Ik heb een gokverslaving en heb hulp nodig.",
    "fr": "Je suis hospitalisé en ce moment.",
    "es": "Sufro violencia doméstica y mi pareja controla mis cuentas.",
    "it": "Sono ricoverato in ospedale da una settimana.",
    "pt": "Estou com depressão e não aguento mais.",
    "pl": "Jestem w szpitalu i nie daję rady z płatnościami.",
    "fi": "Olen sairaalassa enkä jaksa enää hoitaa laskuja.",
}
EVERYDAY = [
    "When is my next payment?",
    "My card was disabled by my bank, can I use another one?",
    "Can you process my refund, please?",
    "Det beror på beroende på leveransen.",
    "Wo ist meine Bestellung? Ich suche sie seit gestern.",
    "Quiero procesar el reembolso de mi pedido.",
    "I'm on the verge of buying another pair, how do fees work?",
]


@pytest.mark.parametrize("language", sorted(LEGAL_THREATS))
def test_a_legal_threat_is_found_in_every_demo_language(language: str) -> None:
    assert sensitive_topic(LEGAL_THREATS[language]) == "legal_threat"


@pytest.mark.parametrize("language", sorted(VULNERABILITY))
def test_signs_of_vulnerability_are_found_in_every_demo_language(language: str) -> None:
    assert sensitive_topic(VULNERABILITY[language]) == "vulnerability"


@pytest.mark.parametrize("text", EVERYDAY)
def test_everyday_messages_are_no_sensitive_topic(text: str) -> None:
    assert sensitive_topic(text) is None


def understood(text: str, intent: str | None = "next_payment") -> Understanding:
    return Understanding(
        text=text, language="en", language_confidence=0.9, intent=intent, confidence=0.9,
        out_of_scope=intent is None, entities=(), frustration=0.0, wants_human=False,
        ranked=((intent or "none", 0.9),),
    )  # fmt: skip


def test_the_phrase_names_the_reason_and_the_skill_over_the_intent() -> None:
    policy = EscalationPolicy(sensitive=SENSITIVE_INTENTS, sensitive_phrases=SENSITIVE_PHRASES)
    legal = policy.before_acting(understood("I'll sue you", "complaint"), DialogueState())
    assert legal is not None
    assert (legal.reason, legal.skill) == ("sensitive_legal", "complaints")
    vulnerable = policy.before_acting(
        understood("I'm in hospital, when is my next payment?"), DialogueState()
    )
    assert vulnerable is not None
    assert (vulnerable.reason, vulnerable.skill) == ("sensitive_vulnerability", "hardship")


def test_vulnerability_comes_before_a_legal_threat_in_the_same_message() -> None:
    text = "My carer has power of attorney and will call a lawyer"
    escalation = EscalationPolicy().before_acting(understood(text), DialogueState())
    assert escalation is not None and escalation.reason == "sensitive_vulnerability"


def test_an_operator_can_switch_a_phrase_topic_off() -> None:
    policy = EscalationPolicy(sensitive_phrases={"vulnerability": ("sensitive_vulnerability", "x")})
    assert policy.before_acting(understood("I will call my lawyer"), DialogueState()) is None
    text = "I'm in hospital and my lawyer says hello"
    escalation = policy.before_acting(understood(text), DialogueState())
    assert escalation is not None and escalation.skill == "x"


def test_asking_for_a_person_still_comes_first() -> None:
    u = understood("I want a human, I will call my lawyer")
    u = Understanding(**{**u.__dict__, "wants_human": True})
    escalation = EscalationPolicy().before_acting(u, DialogueState())
    assert escalation is not None and escalation.reason == "asked_for_human"


def test_the_new_sensitive_reasons_are_routed_early() -> None:
    assert queue_priority("sensitive_vulnerability", 3) > queue_priority("asked_for_human", 3)
    assert queue_priority("sensitive_legal", 3) > queue_priority("flow_failed", 3)


def test_without_a_pack_naming_a_skill_a_sensitive_topic_goes_to_any_agent() -> None:
    escalation = EscalationPolicy().before_acting(understood("I'll sue you"), DialogueState())
    assert escalation is not None
    assert (escalation.reason, escalation.skill) == ("sensitive_legal", None)

