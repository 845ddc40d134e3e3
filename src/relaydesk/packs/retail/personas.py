"""The simulator's customers of the store, in its five languages.

Signed in as db.json's users, they ask the store's policy questions, look up their orders,
ask to cancel a pending order, ask for a person, or get angry. Phrases are written the way
the store's customers write, not copied from the training examples.
"""

from __future__ import annotations

from relaydesk.pack import Persona, Personas

LANGUAGE_WEIGHTS = {"en": 60, "de": 10, "es": 10, "fr": 10, "sv": 10}

PHRASES: dict[str, dict[str, tuple[str, ...]]] = {
    "en": {
        "cancel_policy": ("Can I still cancel an order?", "how do I cancel an order"),
        "return_policy": ("How do returns work?", "Can I send something back for a refund?"),
        "exchange_policy": ("Can I swap an item for another size?",),
        "my_orders": ("What orders do I have?", "show me my orders please"),
        "cancel_pending": ("I'd like to cancel my pending order, I no longer need it.",),
        "yes": ("yes", "yes please"),
        "person": ("I want to talk to a real person", "Can I speak to a human please?"),
        "frustrated": ("THIS IS THE THIRD TIME I WRITE AND NOBODY HELPS ME!!!",),
        "unclear_first": ("blorp fizzle wug",),
        "unclear_second": ("zibble zabble quux",),
        "thanks": ("thanks, that's all", "Thank you, bye"),
    },
    "de": {
        "cancel_policy": ("Kann ich eine Bestellung noch stornieren?",),
        "return_policy": ("Wie funktioniert eine Rücksendung?",),
        "my_orders": ("Welche Bestellungen habe ich?",),
        "person": ("Ich möchte mit einem Menschen sprechen",),
        "thanks": ("Danke, tschüss",),
    },
    "es": {
        "cancel_policy": ("¿Puedo cancelar un pedido?",),
        "return_policy": ("¿Cómo funcionan las devoluciones?",),
        "my_orders": ("¿Qué pedidos tengo?",),
        "person": ("Quiero hablar con una persona",),
        "thanks": ("Gracias, adiós",),
    },
    "fr": {
        "cancel_policy": ("Puis-je encore annuler une commande ?",),
        "return_policy": ("Comment fonctionnent les retours ?",),
        "my_orders": ("Quelles commandes ai-je passées ?",),
        "person": ("Je veux parler à une vraie personne",),
        "thanks": ("Merci, au revoir",),
    },
    "sv": {
        "cancel_policy": ("Kan jag avbeställa en order?",),
        "return_policy": ("Hur fungerar returer?",),
        "my_orders": ("Vilka beställningar har jag?",),
        "person": ("Jag vill prata med en människa",),
        "thanks": ("Tack, hej då",),
    },
}

AGENT_REPLIES = {
    "en": "Hi, I'm looking at your order now.",
    "de": "Hallo, ich sehe mir Ihre Bestellung jetzt an.",
    "es": "Hola, estoy revisando tu pedido ahora.",
    "fr": "Bonjour, je regarde votre commande tout de suite.",
    "sv": "Hej, jag tittar på din beställning nu.",
}

PERSONAS = {
    "question_then_goodbye": Persona(30, ("question", "thanks"), "goodbye"),
    "question_then_close": Persona(12, ("question",), "close"),
    "orders_then_goodbye": Persona(20, ("my_orders", "thanks"), "goodbye"),
    # The store's dialogue step: it lists the pending order(s) and asks for a yes or which.
    "cancels_an_order": Persona(
        10, ("cancel_pending", "yes", "thanks"), "goodbye", english_only=True
    ),
    "asks_for_person": Persona(12, ("person",), "agent"),
    "frustrated": Persona(8, ("frustrated",), "agent", english_only=True),
    "unclear": Persona(4, ("unclear_first", "unclear_second"), "agent", english_only=True),
}

# Injected on request (`relaydesk simulate --unanswered N`): questions the store's articles
# do not answer.
UNANSWERED = (
    "Do you have a physical shop I can visit?",
    "Can I pick up my order in a store?",
    "Do you sell gift wrapping?",
)

RETAIL_PERSONAS = Personas(
    language_weights=LANGUAGE_WEIGHTS,
    phrases=PHRASES,
    personas=PERSONAS,
    agent_replies=AGENT_REPLIES,
    draws={"question": ("cancel_policy", "return_policy", "return_policy", "exchange_policy")},
    spike_key="return_policy",
    unanswered=UNANSWERED,
)
