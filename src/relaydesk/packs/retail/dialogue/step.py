"""The store's assistant as a dialogue step of relaydesk's engine.

The engine proves who the customer is (email, or first name + last name + zip, as the pack
declares), runs the escalation policy and the reply guard; this step reads the store's
requests and acts through the engine's tool calls, so every call is under the tool's policy
and in the conversation's event log. Its memory travels as JSON in the dialogue state.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from relaydesk.assistant.step_turn import StepTurn
from relaydesk.assistant.understanding import Understanding
from relaydesk.packs.retail.dialogue import words as w
from relaydesk.packs.retail.dialogue.agent import StoreAssistant
from relaydesk.packs.retail.dialogue.memory import dump_memory, load_memory
from relaydesk.packs.retail.dialogue.refusals import REFUSAL_KEYS
from relaydesk.packs.retail.dialogue.sentences import STEP_REPLY_KEYS, values_of
from relaydesk.tools import PolicyDecision, ToolOutcome

# Intents of the step's own requests (and a customer saying who they are).
STEP_INTENTS = frozenset({"store_request", "identify"})
# Intents the engine answers itself even for a customer the step already knows.
ENGINE_INTENTS = frozenset({"greeting", "thanks", "goodbye", "talk_to_human"})


@dataclass(frozen=True)
class EngineTools:
    """The store's tools as the engine runs them in this turn."""

    turn: StepTurn

    def call(self, name: str, params: dict[str, Any]) -> ToolOutcome:
        return self.turn.call_tool(name, params)

    def check(self, name: str, params: dict[str, Any]) -> PolicyDecision:
        return self.turn.check_tool(name, params)


class StoreStep:
    """Cancel, return, exchange, change items, addresses: the store's requests."""

    needs_identity = True
    reply_keys = STEP_REPLY_KEYS | REFUSAL_KEYS  # checked in every catalog at pack load

    def starts(self, text: str, understanding: Understanding, memory: dict[str, Any]) -> bool:
        if w.order_ids(text) or understanding.intent in STEP_INTENTS:
            return True
        if understanding.intent == "faq" and "?" in text and not memory:
            return False  # "Can I cancel my order?" from someone new: the articles answer it
        asks = w.wants(text)
        if asks.cancel or asks.exchange or asks.return_ or asks.address or asks.payment:
            return True
        # A customer already talking about their orders goes on doing so.
        return bool(memory) and understanding.intent not in ENGINE_INTENTS

    def take(self, turn: StepTurn, text: str) -> None:
        agent = StoreAssistant(tools=EngineTools(turn), state=load_memory(turn.memory))
        customer = turn.customer_id
        if customer is not None and agent.state.customer_id != customer:
            replies = agent.welcome(customer, text)
            if not turn.just_verified:
                replies = replies[1:]  # signed in: nothing was verified in this conversation
        else:
            replies = agent.answer(text)
        confirming = agent.state.awaiting is not None  # the last reply asks for a yes
        for number, reply in enumerate(replies, start=1):
            claims = [reply.claims] if reply.claims else []
            last = number == len(replies)
            choices = ("confirm_yes", "confirm_no") if confirming and last else ()
            # Nested sentences (a status, a payment method) in the conversation's language too.
            turn.say(reply.key, claims=claims, choices=choices, **values_of(reply, turn.text))
        turn.memory = dump_memory(agent.state)
        turn.open = agent.waiting()
