"""The store's assistant for one conversation: authenticate, understand, confirm, act.

Deterministic: the same messages give the same replies and the same calls. It acts only
through the store's tools, so the policy in code has the last word on every change.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Protocol

from sqlalchemy import Engine

from relaydesk.packs.retail.dialogue import words as w
from relaydesk.packs.retail.dialogue.planning import Plan, method_for, plan_requests
from relaydesk.packs.retail.dialogue.proposals import Proposal
from relaydesk.packs.retail.dialogue.refusals import refusal
from relaydesk.packs.retail.dialogue.sentences import Say, in_language
from relaydesk.packs.retail.tools import build_retail_tools, retail_context
from relaydesk.tools import PolicyDecision, ToolOutcome, ToolRegistry

# Played without the engine, the assistant asks who the customer is in the engine's words.
ASK_IDENTITY = Say("ask_verify_identity")
NOT_FOUND = Say("verify.failed")
ANYTHING_ELSE = Say("store.anything_else")
TOOL_TIMEOUT_S = 10.0


@dataclass
class Conversation:
    """What the assistant remembers between messages."""

    customer_id: str | None = None
    user: dict[str, Any] = field(default_factory=dict)
    orders: dict[str, dict[str, Any]] = field(default_factory=dict)
    before_identity: list[str] = field(default_factory=list)  # requests made before it
    awaiting: Proposal | None = None
    queue: list[Proposal] = field(default_factory=list)
    plan: Plan = field(default_factory=Plan)
    failed: Proposal | None = None  # the last proposal the policy refused, for "then use X"
    question_open: bool = False  # the last reply asked the customer something


class StoreTools(Protocol):
    """How the assistant reaches the store's tools: each call under the tool's policy."""

    def call(self, name: str, params: dict[str, Any]) -> ToolOutcome: ...

    def check(self, name: str, params: dict[str, Any]) -> PolicyDecision: ...


@dataclass(frozen=True)
class DirectTools:
    """The store's tools on one database, for the customer the conversation authenticated."""

    engine: Engine
    registry: ToolRegistry
    customer: Callable[[], str | None]

    def call(self, name: str, params: dict[str, Any]) -> ToolOutcome:
        ctx = retail_context(self.engine, self.customer())
        return self.registry.execute(name, params, ctx, timeout_s=TOOL_TIMEOUT_S)

    def check(self, name: str, params: dict[str, Any]) -> PolicyDecision:
        ctx = retail_context(self.engine, self.customer())
        return self.registry.check(name, params, ctx, timeout_s=TOOL_TIMEOUT_S)


class StoreAssistant:
    """Answers one customer, message by message: against the store in `engine` directly,
    or through `tools` relaydesk's engine gives it (then `state` is the kept memory)."""

    def __init__(
        self,
        engine: Engine | None = None,
        registry: ToolRegistry | None = None,
        *,
        tools: StoreTools | None = None,
        state: Conversation | None = None,
    ) -> None:
        self.state = state or Conversation()
        if tools is None:
            if engine is None:
                raise ValueError("the store assistant needs a store or the engine's tools")
            tools = DirectTools(engine, registry or build_retail_tools(),
                                lambda: self.state.customer_id)
        self.tools = tools
        self.calls: list[ToolOutcome] = []

    def call(self, name: str, **params: Any) -> ToolOutcome:
        outcome = self.tools.call(name, params)
        self.calls.append(outcome)
        return outcome

    def respond(self, text: str) -> list[str]:
        """The replies to one customer message, in English (played without the engine)."""
        return [in_language(say) for say in self.answer(text)]

    def answer(self, text: str) -> list[Say]:
        """The replies to one customer message, as sentences of the pack's catalogs."""
        self.state.question_open = False
        if self.state.customer_id is None:
            return self._authenticate(text)
        if self.state.awaiting is not None:
            return self._answer_confirmation(text)
        return self._plan(text)

    def welcome(self, customer_id: str, text: str) -> list[Say]:
        """The customer was just verified (by relaydesk's engine): load them, then handle
        what they asked before and with this message."""
        self.state.customer_id = customer_id
        self.state.question_open = False
        self._load_customer()
        first = self.state.user.get("first_name", "")
        return [_verified(first), *self._plan(text, quiet=True)]

    def waiting(self) -> bool:
        """Whether something waits for the customer's answer (a yes, a choice, details)."""
        plan = self.state.plan
        return bool(
            self.state.customer_id is None or self.state.awaiting is not None
            or self.state.queue or self.state.question_open or plan.open_items
            or plan.retry or plan.cancel_offer or plan.cancels_without_reason
            or plan.address_wish is not None
        )

    # --- identity ----------------------------------------------------------------------

    def _authenticate(self, text: str) -> list[Say]:
        found = self._find_customer(text)
        if found is None:
            self.state.before_identity.append(text)
            return [ASK_IDENTITY]
        if not found:
            self.state.before_identity.append(text)
            return [NOT_FOUND]
        self._load_customer()
        earlier = " ".join([*self.state.before_identity, text])
        self.state.before_identity.clear()
        return [_verified(self.state.user["first_name"]), *self._plan(earlier, quiet=True)]

    def _find_customer(self, text: str) -> bool | None:
        """True when found, False when the details match nobody, None when none were given."""
        tried = False
        for email in w.emails(text):
            tried = True
            if self._found(self.call("find_user_id_by_email", email=email)):
                return True
        name, zip_code = w.full_name(text), w.zip_code(text)
        if name is not None and zip_code is not None:
            tried = True
            outcome = self.call("find_user_id_by_name_zip", first_name=name[0],
                                last_name=name[1], zip=zip_code)
            if self._found(outcome):
                return True
        return False if tried else None

    def _found(self, outcome: ToolOutcome) -> bool:
        if outcome.done and outcome.result is not None:
            self.state.customer_id = str(outcome.result["user_id"])
            return True
        return False

    def _load_customer(self) -> None:
        user = self.call("get_user_details", user_id=self.state.customer_id)
        self.state.user = user.result or {}
        self.reload_orders()

    def reload_orders(self) -> None:
        self.state.orders = {}
        for order_id in self.state.user.get("orders", []):
            outcome = self.call("get_order_details", order_id=order_id)
            if outcome.done and outcome.result is not None:
                self.state.orders[order_id] = outcome.result

    # --- requests ------------------------------------------------------------------------

    def _plan(self, text: str, quiet: bool = False) -> list[Say]:
        plan = plan_requests(self, text, self.state.plan)
        self.state.plan = plan
        self.state.queue.extend(plan.ready)
        plan.ready = []
        replies = list(plan.said)
        plan.said = []
        if plan.soft_question and self.state.queue:
            plan.question, plan.topic = None, None
        plan.soft_question = False
        if not self.state.queue and not plan.question and self.state.failed is not None:
            retried = self._retry_failed(text)
            if retried:
                return [*replies, *retried]
        if plan.question:
            replies.append(plan.question)
            plan.question = None
            self.state.question_open = True
            return replies
        if self.state.queue:
            replies += self._propose(self.state.queue.pop(0))
        elif not replies and not quiet:
            replies.append(ANYTHING_ELSE)
        elif not replies:
            replies.append(Say("store.how_can_i_help"))
        return replies

    def _propose(self, proposal: Proposal) -> list[Say]:
        """List the change for a yes, unless the policy would refuse it: then say why (and
        go on to the next change waiting)."""
        if proposal.method is None and proposal.kind in ("return", "exchange", "modify"):
            self.state.failed = proposal
            return [Say("store.no_such_method")]
        decision = self.tools.check(proposal.tool, proposal.params())
        if not decision.allowed:
            self.state.failed = proposal
            return [refusal(decision), *self._next_proposal()]
        self.state.awaiting = proposal
        return [Say("store.confirm", {"proposal": proposal.describe()})]

    def _next_proposal(self) -> list[Say]:
        return self._propose(self.state.queue.pop(0)) if self.state.queue else []

    def _answer_confirmation(self, text: str) -> list[Say]:
        proposal = self.state.awaiting
        assert proposal is not None
        if w.is_yes(text):
            self.state.awaiting = None
            return [self._carry_out(proposal), *self._next()]
        asks = w.wants(text)
        if w.is_no(text) and not (asks.cancel or asks.exchange or asks.return_):
            self.state.awaiting = None
            return [Say("store.not_changed"), *self._next()]
        hint = w.payment_hint(text)
        if hint and not (asks.cancel or asks.exchange or asks.return_):
            return self._propose(self._with_method(proposal, hint))
        # Something else: the request changes; plan again with what was proposed in mind.
        self.state.awaiting = None
        self.state.plan.reopen(proposal)
        queued = len(self.state.queue)
        replies = self._plan(text)
        if self.state.awaiting is None and len(self.state.queue) == queued and \
                not self.state.plan.open_items and proposal.kind not in ("exchange", "modify"):
            # Nothing new came of it: the proposal still stands.
            return self._propose(proposal)
        return replies

    def _retry_failed(self, text: str) -> list[Say] | None:
        """'Fine, refund it to my gift card then': the refused proposal with that method."""
        failed = self.state.failed
        hint = w.payment_hint(text)
        if failed is None or hint is None or failed.kind == "cancel":
            return None
        self.state.failed = None
        return self._propose(self._with_method(failed, hint))

    def _with_method(self, proposal: Proposal, hint: str) -> Proposal:
        """The same proposal paid or refunded with the kind of method the customer named."""
        order = self.state.orders[proposal.order_id]
        proposal.method = method_for(self, order, hint)
        return proposal

    def _next(self) -> list[Say]:
        return self._next_proposal() or [ANYTHING_ELSE]

    def _carry_out(self, proposal: Proposal) -> Say:
        outcome = self.call(proposal.tool, **proposal.params())
        if outcome.done:
            self.reload_orders()
            self.state.failed = None
            values = {} if proposal.kind == "user_address" else {"order_id": proposal.order_id}
            return Say(f"store.done.{proposal.kind}", values, claims=proposal.tool)
        self.state.failed = proposal
        return refusal(outcome.decision)


def _verified(first_name: str) -> Say:
    return Say("store.verified", {"first_name": first_name})
