"""The simulator's customers of the demo pay-later company, in eight languages.

Phrases are written the way its customers write, not copied from the training examples;
the conversation tests show the kinds of message the assistant handles.
"""

from __future__ import annotations

from relaydesk.pack import Persona, Personas

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
        "refund": ("I want a refund for {reference}",),
        "unclear_first": ("blorp fizzle wug",),
        "unclear_second": ("zibble zabble quux",),
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
        "refund": ("Jag vill ha återbetalning för {reference}",),
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
        "refund": ("Ich möchte eine Rückerstattung für {reference}",),
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

PERSONAS = {
    "question_then_goodbye": Persona(33, ("question", "thanks"), "goodbye"),
    "question_then_close": Persona(16, ("question",), "close"),
    "question_then_silence": Persona(5, ("question",), "none"),
    "postpone_flow": Persona(11, ("postpone", "yes", "thanks"), "goodbye"),
    "asks_for_person": Persona(11, ("person",), "agent"),
    "frustrated": Persona(7, ("frustrated",), "agent"),
    "large_refund": Persona(7, ("refund", "yes"), "agent", needs_approval=True),
    "sensitive": Persona(6, ("sensitive",), "agent", english_only=True),
    "unclear": Persona(4, ("unclear_first", "unclear_second"), "agent", english_only=True),
}

# Injected on request (`relaydesk simulate --spike N --unanswered N`), so the insight has
# something to find: questions the demo company's articles do not answer, and a burst of one
# contact reason on the last simulated day.
# (Shipping to Canada used to be one; the delivery article answers it now.)
UNANSWERED = (
    "Do you accept crypto currency?",
    "Do you accept crypto currency payments?",
    "Does Paylater accept crypto currency?",
    "Do you accept crypto currency like Ethereum?",
)

PAYLATER_PERSONAS = Personas(
    language_weights=LANGUAGE_WEIGHTS,
    phrases=PHRASES,
    personas=PERSONAS,
    agent_replies=AGENT_REPLIES,
    draws={
        "question": ("next_payment", "next_payment", "fees"),
        "sensitive": ("hardship", "fraud"),
    },
    spike_key="fees",
    unanswered=UNANSWERED,
)
