"""What simulated customers say, in eight languages, and the scripts they follow.

Phrases are written the way customers of the demo pay-later company write, not copied from
the training examples; the conversation tests show the kinds of message the assistant
handles. Each script names the intent it is about, so a returning customer can ask again.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

LANGUAGE_WEIGHTS = {
    "en": 40, "sv": 15, "de": 14, "es": 10, "fr": 10, "it": 4, "pt": 4, "nl": 3,
}  # fmt: skip

PHRASES: dict[str, dict[str, tuple[str, ...]]] = {
    "en": {
        "next_payment": ("when is my next payment?", "How much do I have to pay next and when?"),
        "fees": ("what is the late fee?", "Do you charge any fees if I pay late?"),
        "postpone": ("Can I push my next payment back a week?", "can I postpone my payment a week"),
        "yes": ("yes", "yes please"),
        "person": ("I want to talk to a real person", "Can I speak to a human please?"),
        "frustrated": ("THIS IS RIDICULOUS, the third time I am writing and nobody helps me!!!",),
        "hardship": ("I lost my job and I can't afford to pay my instalments",),
        "fraud": ("There is a purchase on my account that I did not make",),
        "refund": ("I want a refund for {order}",),
        "unclear": ("blorp fizzle wug", "zibble zabble quux"),
        "thanks": ("thanks, that's all", "Thank you, goodbye"),
    },
    "sv": {
        "next_payment": ("När är min nästa betalning?", "Hur mycket ska jag betala nästa gång?"),
        "fees": ("Vilka avgifter har ni?", "Vad kostar det om jag betalar för sent?"),
        "postpone": ("Kan jag skjuta upp min nästa betalning en vecka?",),
        "yes": ("ja",),
        "person": ("Jag vill prata med en människa",),
        "frustrated": (
            "DET HÄR ÄR HELT SJUKT, tredje gången jag skriver och ingen hjälper mig!!!",
        ),
        "refund": ("Jag vill ha återbetalning för {order}",),
        "thanks": ("Tack, hej då",),
    },
    "de": {
        "next_payment": ("Wann ist meine nächste Zahlung fällig?",),
        "fees": ("Welche Gebühren fallen bei verspäteter Zahlung an?",),
        "postpone": ("Kann ich meine nächste Zahlung um eine Woche verschieben?",),
        "yes": ("ja",),
        "person": ("Ich möchte mit einem Menschen sprechen",),
        "frustrated": (
            "DAS IST UNGLAUBLICH, ich schreibe zum dritten Mal und niemand hilft mir!!!",
        ),
        "refund": ("Ich möchte eine Rückerstattung für {order}",),
        "thanks": ("Danke, tschüss",),
    },
    "es": {
        "next_payment": ("¿Cuándo es mi próximo pago?",),
        "fees": ("¿Cuánto cuesta si pago tarde?",),
        "yes": ("sí",),
        "person": ("Quiero hablar con una persona",),
        "thanks": ("Gracias, adiós",),
    },
    "fr": {
        "next_payment": ("Quand est mon prochain paiement ?",),
        "fees": ("Quels sont les frais en cas de retard de paiement ?",),
        "yes": ("oui",),
        "person": ("Je veux parler à une vraie personne",),
        "thanks": ("Merci, au revoir",),
    },
    "it": {
        "next_payment": ("Quando devo pagare la prossima rata?",),
        "fees": ("Quali sono le commissioni per un pagamento in ritardo?",),
        "person": ("Voglio parlare con una persona",),
        "thanks": ("Grazie, arrivederci",),
    },
    "pt": {
        "next_payment": ("Quando é o meu próximo pagamento?",),
        "fees": ("Quais são as taxas por atraso no pagamento?",),
        "person": ("Quero falar com uma pessoa",),
        "thanks": ("Obrigado, tchau",),
    },
    "nl": {
        "next_payment": ("Wanneer is mijn volgende betaling?",),
        "fees": ("Welke kosten rekenen jullie bij te laat betalen?",),
        "person": ("Ik wil met een mens praten",),
        "thanks": ("Bedankt, doei",),
    },
}

AGENT_REPLIES = {
    "en": "Hi, I'm looking into this for you now.",
    "sv": "Hej, jag tittar på det här åt dig nu.",
    "de": "Hallo, ich kümmere mich jetzt darum.",
    "es": "Hola, lo reviso ahora mismo.",
    "fr": "Bonjour, je m'en occupe tout de suite.",
    "it": "Ciao, me ne occupo subito.",
    "pt": "Olá, vou verificar isso agora.",
    "nl": "Hallo, ik kijk er nu naar.",
}

# Persona: (weight, the phrase keys said in order, how the customer leaves).
PERSONAS: dict[str, tuple[int, tuple[str, ...], str]] = {
    "question_then_goodbye": (33, ("question", "thanks"), "goodbye"),
    "question_then_close": (16, ("question",), "close"),
    "question_then_silence": (5, ("question",), "none"),
    "postpone_flow": (11, ("postpone", "yes", "thanks"), "goodbye"),
    "asks_for_person": (11, ("person",), "agent"),
    "frustrated": (7, ("frustrated",), "agent"),
    "large_refund": (7, ("refund", "yes"), "agent"),
    "sensitive": (6, ("sensitive",), "agent"),
    "unclear": (4, ("unclear", "unclear"), "agent"),
}


@dataclass(frozen=True)
class Script:
    """What one visit of a customer says and how it ends."""

    persona: str
    language: str
    messages: tuple[str, ...]
    ending: str  # goodbye | close | none | agent


def _phrase(rng: random.Random, language: str, key: str, order: str | None) -> str:
    options = PHRASES[language].get(key) or PHRASES["en"][key]
    return rng.choice(options).format(order=order or "")


def _fits(persona: str, language: str, refund_order: str | None) -> bool:
    """Personas whose phrases the language lacks, or that need an order, fall back to English."""
    steps = PERSONAS[persona][1]
    if persona == "large_refund" and refund_order is None:
        return False
    known = PHRASES[language]
    return all(step in known for step in steps if step not in ("question", "sensitive", "unclear"))


def choose_persona(rng: random.Random) -> str:
    names = list(PERSONAS)
    return rng.choices(names, weights=[PERSONAS[name][0] for name in names])[0]


def script_for(rng: random.Random, persona: str, language: str, refund_order: str | None) -> Script:
    """The messages of one visit; languages without a persona's phrases speak English."""
    if persona in ("sensitive", "unclear"):
        language = "en"
    elif not _fits(persona, language, refund_order):
        if persona == "large_refund" and refund_order is None:
            persona = "question_then_goodbye"
        if not _fits(persona, language, refund_order):
            language = "en"
    _weight, steps, ending = PERSONAS[persona]
    messages = []
    for index, step in enumerate(steps):
        if step == "question":
            step = rng.choice(("next_payment", "next_payment", "fees"))
        elif step == "sensitive":
            step = rng.choice(("hardship", "fraud"))
        elif step == "unclear":
            messages.append(PHRASES["en"]["unclear"][index % 2])
            continue
        messages.append(_phrase(rng, language, step, refund_order))
    return Script(persona, language, tuple(messages), ending)


def thanks(language: str) -> str:
    return (PHRASES[language].get("thanks") or PHRASES["en"]["thanks"])[0]


# Injected on request (`relaydesk simulate --spike N --unanswered N`), so the insight has
# something to find: questions the demo company's articles do not answer, and a burst of one
# contact reason on the last simulated day.
UNANSWERED = (
    "Do you ship to Canada?",
    "Can I get my order delivered in Canada?",
    "Do you deliver to Canada?",
    "Can I pay with bitcoin?",
    "Do you accept crypto currency?",
)
SPIKE_KEY = "fees"


def spike_script(rng: random.Random) -> Script:
    """A customer of the injected burst: asks about fees and leaves."""
    return Script("spike", "en", (_phrase(rng, "en", SPIKE_KEY, None), thanks("en")), "goodbye")


def unanswered_script(rng: random.Random) -> Script:
    """A customer asking what the assistant cannot answer, then leaving."""
    return Script("unanswered", "en", (rng.choice(UNANSWERED), thanks("en")), "goodbye")
