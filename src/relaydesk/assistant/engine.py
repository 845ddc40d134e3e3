"""The assistant's turn: understand, decide, act through tools, reply, guard."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

from relaydesk.assistant.dialogue import (
    ActiveFlow,
    DialogueState,
    chosen_value,
    latest_state,
    remember,
)
from relaydesk.assistant.embeddings import one_turn
from relaydesk.assistant.flow_runner import FlowRunner
from relaydesk.assistant.model_roles import UnderstandingProposal
from relaydesk.assistant.parts import AssistantParts
from relaydesk.assistant.requests import split_requests
from relaydesk.assistant.step_runner import offers_identity, run_step
from relaydesk.assistant.turn import Escalation, TurnContext, TurnResult
from relaydesk.assistant.turn_builder import TurnBuilder
from relaydesk.assistant.understanding import Understanding
from relaydesk.assistant.understanding.sign_off import without_sign_off

# Languages a short message cannot tell apart reliably; a conversation keeps its own.
CONFUSABLE = (
    frozenset({"sv", "no", "nb", "nn", "da"}),
    frozenset({"es", "gl", "ca"}),
    frozenset({"hr", "sr", "bs"}),
    frozenset({"id", "ms"}),
    frozenset({"cs", "sk"}),
    frozenset({"sk", "sl"}),  # "Rad bi govoril s človekom" reads as Slovak to cld2
)
SMALL_TALK = {"greeting": "greeting", "thanks": "thanks_reply", "goodbye": "goodbye"}
FAREWELLS = frozenset({"thanks", "goodbye"})  # with a question open, these close it
SWITCH_CONFIDENCE = 0.6  # a new topic must be this clear to interrupt an active flow
MAX_REMINDERS = 2  # a question the customer stepped around this often is dropped
PERSON_CHOICE = "person"  # the value of the one-tap way to a person
QUESTION_MARKS = "?\uff1f\u00bf\u061f"  # a clear question is answered or said unanswerable
# Answers to a question; with none open, no help-centre article answers "yes" either, and
# looking one up costs the turn an e5 embedding.
ANSWERS = frozenset({"affirm", "deny"})


class PackAssistant:
    """The embedded assistant for one domain pack; deterministic, milliseconds per turn."""

    def __init__(self, parts: AssistantParts) -> None:
        self.parts = parts

    def take_turn(self, context: TurnContext) -> TurnResult:
        with one_turn():  # understanding and the help-centre search embed a question once
            return self._take_turn(context)

    def _take_turn(self, context: TurnContext) -> TurnResult:
        typed = context.message.text or ""
        text = chosen_value(context.history, typed)
        state = latest_state(context.history)
        known_language = state.language or context.conversation.language
        # the message's own time: without one, dateparser reads "demain" after "je" (which it
        # takes for Thursday) as the day after that Thursday
        now = context.message.created_at
        understanding = self.parts.understander.understand(
            text, conversation_language=known_language, now=now
        )
        customer_id = context.customer.signed_in_ref or state.verified_customer_id
        turn = TurnBuilder(self.parts, understanding, state, customer_id)
        turn.conversation_id = context.conversation.id
        turn.claimer = context.claim
        turn.client_address = context.client_address
        turn.attempts = context.attempts
        turn.language = settle_language(
            understanding.language,
            known_language,
            answering=_answers_a_question(state) or text != typed,  # a tapped choice is no text
        )
        state.language = turn.language
        state.frustration = remember(state.frustration, round(understanding.frustration, 3))
        requests = self._separate_requests(turn, text, known_language, now)
        for part, part_understanding in requests or [(text, understanding)]:
            turn.understanding = part_understanding
            self._decide(turn, part)
            if turn.escalation is not None or turn.close or state.flow is not None:
                break  # a hand-over, a goodbye or a question back ends the list here
        turn.understanding = understanding
        # Unfinished business with the same intent again and again is a loop, not progress;
        # a pack's step keeps its own count of what it asked.
        unfinished = (
            not (turn.done_tools - turn.previews)
            and turn.escalation is None
            and not turn.step_took_turn
        )
        state.last_intents = (
            remember(state.last_intents, understanding.intent or "unknown") if unfinished else []
        )
        return turn.result()

    def _separate_requests(
        self, turn: TurnBuilder, text: str, language: str | None, now: datetime
    ) -> list[tuple[str, Understanding]]:
        """Two or three clear, different requests in one message, to be handled in order; an
        empty list when the message is one request or a question is open."""
        parts = split_requests(text)
        if turn.state.flow is not None or turn.state.step_open or len(parts) < 2:
            return []
        last = len(parts) - 1
        understood: dict[int, Understanding] = {}
        # Every part must be clear, so the first unclear one settles it: short pieces (a
        # signature, "thanks") are the likeliest to be, and the cheapest to understand.
        for i in sorted(range(len(parts)), key=lambda i: len(parts[i])):
            u = self.parts.understander.understand(
                parts[i], conversation_language=language, now=now
            )
            flow = self.parts.flows.for_intent(u.intent)
            # Requests the pack has flows for; only the last may end with a question back.
            clear = (
                flow is not None and (flow.confirm is None or i == last)
                and not u.out_of_scope and u.confidence >= SWITCH_CONFIDENCE
            )  # fmt: skip
            if not clear or u.intent in {other.intent for other in understood.values()}:
                return []
            understood[i] = u
        return [(part, understood[i]) for i, part in enumerate(parts)]

    def _decide(self, turn: TurnBuilder, text: str) -> None:
        if self.parts.llm is not None:
            proposal = self.parts.llm.reconsider(turn, text)  # only when the classifier is unsure
            if proposal is not None:
                self._take_proposal(turn, proposal)
        u, state = turn.understanding, turn.state
        escalation = self.parts.policy.before_acting(u, state)
        if text == PERSON_CHOICE:  # the customer tapped "Talk to a person"
            escalation = Escalation(reason="asked_for_human", priority=2)
        if escalation is not None:
            self._hand_over(turn, escalation)
            return
        acknowledged = any(data.get("reply_key") == "empathy.ack" for *_, data in turn.replies)
        frustrated = u.frustration >= self.parts.policy.frustration_acknowledged
        if frustrated and not acknowledged:
            turn.say("empathy.ack")  # one short acknowledgement before the answer
        step = self.parts.dialogue_step
        if step is not None and state.flow is None and (
            state.step_open
            or step.starts(text, u, state.step_memory)
            or offers_identity(turn, step, text)
        ):
            run_step(turn, step, text)  # the pack's own dialogue, behind the same checks
            return
        if state.flow is not None:
            self._answer_pending(turn, state.flow, text)
            return
        self._start(turn, text)

    def _answer_pending(self, turn: TurnBuilder, active: ActiveFlow, text: str) -> None:
        """A question is open: the message answers it, closes it, or is asked beside it."""
        u, state = turn.understanding, turn.state
        runner = FlowRunner(turn, self.parts.flows.named(active.name), active)
        answered = runner.is_answered_by(text)
        proof = answered and active.awaiting == "verify"  # identity first, whatever it asks
        if self._switches_topic(u, active) and not proof:
            self._aside(turn, active, text)  # its order number is for the other request
        elif answered or self._continues(u, active):
            self._advance(turn, active, text)
        elif u.intent == "cancel":
            state.flow = None
            turn.say("cancelled")
        elif u.intent in FAREWELLS and not self.parts.policy.is_low_confidence(u):
            state.flow, state.parked = None, []  # nothing was done; nothing is left waiting
            turn.say(SMALL_TALK[u.intent])
            turn.close = u.intent == "goodbye"
        else:
            self._aside(turn, active, text)

    def _continues(self, u: Understanding, active: ActiveFlow) -> bool:
        """The same request again, or another one too unclear to interrupt this one for."""
        flow = self.parts.flows.for_intent(u.intent)
        return flow is not None and not self._switches_topic(u, active)

    def _switches_topic(self, u: Understanding, active: ActiveFlow) -> bool:
        flow = self.parts.flows.for_intent(u.intent)
        return flow is not None and flow.name != active.name and u.confidence >= SWITCH_CONFIDENCE

    def _aside(self, turn: TurnBuilder, pending: ActiveFlow, text: str) -> None:
        """Answer the side question or start the other request; the open one waits, parked."""
        state = turn.state
        state.flow = None
        state.parked = remember(state.parked, pending, keep=2)
        self._start(turn, text)
        if state.flow is None and turn.escalation is None and not turn.close:
            self._resume(turn)

    def _start(self, turn: TurnBuilder, text: str) -> None:
        u, state = turn.understanding, turn.state
        low = self.parts.policy.is_low_confidence(u)
        flow = None if low else self.parts.flows.for_intent(u.intent)
        if flow is not None:
            if state.flow is not None:
                state.parked = remember(state.parked, state.flow, keep=2)
            state.low_confidence_streak = 0
            state.flow = ActiveFlow(name=flow.name)
            self._advance(turn, state.flow, text)
            return
        if not low and u.intent == "cancel":
            turn.say("cancelled")  # "never mind" with nothing open: nothing was changed
            return
        if not low and u.intent in SMALL_TALK:
            state.low_confidence_streak = 0
            turn.say(SMALL_TALK[u.intent])
            turn.close = u.intent == "goodbye"
            return
        answer_to_nothing = not low and u.intent in ANSWERS
        if not answer_to_nothing and self._answer_from_knowledge(turn, text):
            state.low_confidence_streak = 0
            return
        clear_question = not low and any(mark in text for mark in QUESTION_MARKS)
        if state.low_confidence_streak == 0 and not clear_question:
            self._clarify(turn)
        else:
            self._no_answer(turn)

    def _no_answer(self, turn: TurnBuilder) -> None:
        """A clear question without an answer, or a second unclear one: say so honestly, say
        what the assistant can do, offer a person in one tap; never a second "rephrase"."""
        state = turn.state
        state.low_confidence_streak += 1
        escalation = self.parts.policy.after_low_confidence(state)
        if escalation is not None:  # twice without an answer: a person takes over
            self._hand_over(turn, escalation)
            return
        catalog = self.parts.composer.catalog
        person = {"label": catalog.render("choice.person", turn.language), "value": PERSON_CHOICE}
        turn.say_text(catalog.render("no_answer", turn.language), [], "no_answer", [person])
        turn.unanswered = True  # recorded for the operator's knowledge gaps

    def _advance(self, turn: TurnBuilder, active: ActiveFlow, text: str) -> None:
        spec = self.parts.flows.named(active.name)
        FlowRunner(turn, spec, active).advance(text)
        if turn.state.flow is None and turn.escalation is None:
            self._resume(turn)

    def _resume(self, turn: TurnBuilder) -> None:
        """Come back to the request left for another topic: ask its open question again."""
        state = turn.state
        while state.parked:
            parked = state.parked.pop()
            if parked.reminded >= MAX_REMINDERS:
                continue  # asked around twice already: the customer has moved on
            state.flow = parked
            FlowRunner(turn, self.parts.flows.named(parked.name), parked).remind()
            return

    def _take_proposal(self, turn: TurnBuilder, proposal: UnderstandingProposal) -> None:
        """The model's reading, just confident enough to act (the classifier's own guess is
        on the model's note); a flow it names starts with the slots it found."""
        turn.understanding = replace(
            turn.understanding,
            intent=proposal.intent,
            confidence=self.parts.policy.low_confidence,
            out_of_scope=False,
        )
        flow = self.parts.flows.for_intent(proposal.intent)
        if flow is not None:
            turn.state.flow = ActiveFlow(name=flow.name, slots=dict(proposal.slots))
            turn.state.low_confidence_streak = 0

    def _answer_from_knowledge(self, turn: TurnBuilder, text: str) -> bool:
        # as the intent models read it: a signed question is embedded once, not twice
        hits = self.parts.knowledge.search(without_sign_off(text), turn.language, k=1)
        if not hits:
            return False
        hit = hits[0]
        url = self.parts.article_link(hit.article.url)
        phrased = self.parts.llm.answer_from_knowledge(turn, text, hit) if self.parts.llm else None
        if phrased is not None:
            reply = self.parts.composer.catalog.render(
                "knowledge.answer", turn.language, snippet=phrased, url=url, title=hit.article.title
            )
            turn.say_text(reply, [], key="knowledge.answer", generated_by="llm")
            return True
        if hit.article.language != turn.base_language:
            # Only the English article exists: say so in the customer's language, quote none of it.
            turn.say("knowledge.article_in_english", url=url, title=hit.article.title)
            return True
        turn.say("knowledge.answer", snippet=hit.snippet, url=url, title=hit.article.title)
        return True

    def _clarify(self, turn: TurnBuilder) -> None:
        state = turn.state
        state.low_confidence_streak += 1
        escalation = self.parts.policy.after_low_confidence(state)
        if escalation is not None:
            self._hand_over(turn, escalation)
            return
        turn.say("clarify")

    def _hand_over(self, turn: TurnBuilder, escalation: Escalation) -> None:
        sensitive = escalation.reason.startswith("sensitive") or escalation.reason == "complaint"
        turn.say("sensitive.ack" if sensitive else "escalated_handover")
        turn.escalate(escalation)
        turn.state.flow = None
        turn.state.step_open = False


def settle_language(detected: str, previous: str | None, answering: bool = False) -> str:
    """The detected language, unless it is a near neighbour of the conversation's own, or the
    message answers the assistant's question (an address or a name is data, not language)."""
    if previous and (answering or any({detected, previous} <= group for group in CONFUSABLE)):
        return previous
    return detected


def _answers_a_question(state: DialogueState) -> bool:
    awaiting = state.flow.awaiting if state.flow is not None else None
    return bool(awaiting) and str(awaiting).startswith(("slot:", "verify"))
