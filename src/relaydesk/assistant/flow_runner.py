"""Advancing one flow by one customer message: fill slots, verify, confirm, call the tool."""

from __future__ import annotations

import uuid
from typing import Any

from relaydesk.assistant.compose import MissingValue, lookup
from relaydesk.assistant.dialogue import ActiveFlow
from relaydesk.assistant.flows import FlowSpec, ReplySpec
from relaydesk.assistant.identity import identity_values, try_verification
from relaydesk.assistant.replies import format_amount, placeholders
from relaydesk.assistant.slots import is_no, is_yes
from relaydesk.assistant.turn import Escalation
from relaydesk.assistant.turn_builder import TurnBuilder
from relaydesk.tools import PolicyDecision, ToolOutcome

MAX_ASKS = 2  # the same question twice without an answer is a failure, not a loop
# Standard values a customer may change at the confirmation with a bare number ("no wait,
# 95"); a pack adds its own kinds (AssistantParts.correctable_kinds).
CORRECTABLE_AT_CONFIRMATION = frozenset({"days", "amount"})


class FlowRunner:
    def __init__(self, turn: TurnBuilder, spec: FlowSpec, active: ActiveFlow) -> None:
        self.turn = turn
        self.spec = spec
        self.active = active
        self.reminding = False  # asking again after a side question is not a new attempt

    def is_answered_by(self, text: str) -> bool:
        """Whether this message answers the open question: a value, a yes or no, or proof of
        identity. Anything else is a side question, a goodbye or another request."""
        awaiting = self.active.awaiting
        u = self.turn.understanding
        if awaiting == "confirm" and (is_yes(text, u) or is_no(text, u)):
            return True
        if awaiting == "verify":
            check = self.turn.parts.verification
            return check is not None and bool(
                identity_values(self.turn.parts, check, self.turn, text, awaiting=True)
            )
        return bool(self._read_slots(text))

    def remind(self) -> None:
        """Ask the open question again, once, after the customer's side question was answered."""
        self.reminding = True
        self.active.reminded += 1
        if self.active.awaiting == "verify" and self.turn.customer_id is None:
            self.turn.say("ask_verify_identity")
            return
        self._continue()

    def advance(self, text: str) -> None:
        """Take this message as the flow's next step and say what comes next."""
        if self.active.awaiting == "confirm":
            self._answer_confirmation(text)
            return
        self._fill_slots(text)
        if self.spec.needs_identity and self.turn.customer_id is None:
            self._verify_identity(text)
            return
        self._continue()

    def _continue(self) -> None:
        if not self._load_preview():
            return
        missing = self._next_missing_slot()
        if missing is not None:
            self._ask(missing)
        elif self.spec.confirm is not None:
            # Policy before confirmation: never ask a yes for what the tool would refuse.
            if self._passes_policy():
                self._ask_confirmation(self.spec.confirm)
        else:
            self._run_tool()

    def _read_slots(self, text: str) -> dict[str, Any]:
        """The slot values this message gives that differ from what the flow holds."""
        confirming = self.active.awaiting == "confirm"
        correctable = CORRECTABLE_AT_CONFIRMATION | self.turn.parts.correctable_kinds
        found: dict[str, Any] = {}
        for slot in self.spec.slots:
            awaiting = self.active.awaiting == f"slot:{slot.name}" or (
                confirming and slot.kind in correctable
            )
            reader = self.turn.parts.slot_reader(slot.kind)
            value = reader(text, self.turn.understanding, awaiting) if reader else None
            if value is not None:
                value = str(value) if hasattr(value, "quantize") else value
                if self.active.slots.get(slot.name) != value:
                    found[slot.name] = value
        return found

    def _fill_slots(self, text: str) -> bool:
        """Take the values this message gives (the last one said wins); True if any changed."""
        changed = self._read_slots(text)
        if changed:
            self.active.slots.update(changed)
            self.active.preview = {}  # the customer changed a slot: look things up again
            self.active.check = {}
        return bool(changed)

    def _passes_policy(self) -> bool:
        """Run the tool's own policy on the values to be confirmed; refuse out loud if it would."""
        decision = self.turn.check_tool(self.spec.tool, self._tool_call_params(confirmed=False))
        if decision.outcome != "deny":
            self.active.check = dict(decision.details)
            return True
        if decision.reason == "invalid_params" and self._refuse_values(decision):
            return False
        self._denied(decision)
        return False

    def _refuse_values(self, decision: PolicyDecision) -> bool:
        """Values the tool cannot take at all ("-500"): say so and ask for them again."""
        fields = str(decision.details.get("fields", "")).split(",")
        slot = next((s for s in self.spec.slots if s.name in fields), None)
        if slot is None or slot.name not in self.active.slots:
            return False
        value = self.active.slots.pop(slot.name)
        self.turn.say("value_refused", value=value)
        self._ask(slot.name)
        return True

    def _load_preview(self) -> bool:
        """Run the read-only preview tool once; False when the flow already ended here."""
        if self.spec.preview_tool is None or self.active.preview:
            return True
        params = self._params(self.spec.preview_params, optional=True)
        outcome = self.turn.call_tool(self.spec.preview_tool, params)
        self.turn.previews.add(self.spec.preview_tool)
        if not outcome.done or outcome.result is None:
            self._tool_failed(outcome)
            return False
        if outcome.result.get("found") is False:
            self._nothing_to_act_on()
            return False
        self.active.preview = outcome.result
        for slot in self.spec.slots:
            if slot.default and slot.name not in self.active.slots:
                try:
                    self.active.slots[slot.name] = lookup(self._scope(), slot.default)
                except MissingValue:
                    continue
        return True

    def _next_missing_slot(self) -> str | None:
        for slot in self.spec.slots:
            if slot.required and slot.name not in self.active.slots:
                return slot.name
        return None

    def _ask(self, slot_name: str) -> None:
        slot = self.spec.slot(slot_name)
        assert slot is not None
        asked = self.active.asked.get(slot_name, 0)
        if not self.reminding:
            if asked >= MAX_ASKS:
                self._give_up()
                return
            self.active.asked[slot_name] = asked + 1
        self.active.awaiting = f"slot:{slot_name}"
        text = self.turn.parts.composer.catalog.render(slot.ask, self.turn.language)
        catalog = self.turn.parts.composer.catalog
        choices = [
            {"label": catalog.render(key, self.turn.language), "value": value}
            for key, value in zip(slot.choice_label_keys(), slot.choices, strict=True)
        ]
        self.turn.say_text(text, [], key=slot.ask, choices=choices or None)

    def _ask_confirmation(self, spec: ReplySpec) -> None:
        try:
            text = self.turn.parts.composer.render(spec, self.turn.language, self._scope())
        except MissingValue:
            self._give_up()
            return
        catalog = self.turn.parts.composer.catalog
        choices = [
            {"label": catalog.render("confirm_yes", self.turn.language), "value": "yes"},
            {"label": catalog.render("confirm_no", self.turn.language), "value": "no"},
        ]
        self.active.awaiting = "confirm"
        self.active.confirmation = uuid.uuid4().hex  # a new question: a new one-time yes
        self.turn.say_text(text, [], key=spec.key, choices=choices)

    def _answer_confirmation(self, text: str) -> None:
        understanding = self.turn.understanding
        if self._fill_slots(text):  # "no wait, 95": the new value is confirmed anew
            self.active.awaiting = None
            self._continue()
        elif is_yes(text, understanding):
            self._confirmed()
        elif is_no(text, understanding):
            self.turn.say("cancelled")
            self._finish()
        else:
            self._continue()

    def _confirmed(self) -> None:
        """Run the confirmed operation once: a second yes to the same question does nothing."""
        if not self.turn.claim(f"confirm:{self.active.confirmation}"):
            self.turn.say("confirmation.used")
            self._finish()
            return
        self._run_tool()

    def _tool_call_params(self, confirmed: bool) -> dict[str, Any]:
        """The slots as tool parameters, plus, once confirmed, the exact object that was shown."""
        params = self._params({slot.name: f"slots.{slot.name}" for slot in self.spec.slots})
        if confirmed:
            params.update(self._params(self.spec.tool_params))
        return self.turn.parts.tool_params(self.spec.tool, params)

    def _run_tool(self) -> None:
        params = self._tool_call_params(confirmed=self.spec.confirm is not None)
        outcome = self.turn.call_tool(self.spec.tool, params)
        if outcome.done:
            if self._say_done(outcome):
                self._finish()
        elif outcome.status == "denied":
            self._denied(outcome.decision)
        elif outcome.status == "needs_approval":
            self._needs_approval(outcome, params)
        else:
            self._tool_failed(outcome)

    def _say_done(self, outcome: ToolOutcome) -> bool:
        """Say what the tool did; False when it found nothing and a question was asked."""
        scope = {**self._scope(), "result": outcome.result or {}}
        empty = self.spec.empty is not None and not _has_content(outcome.result)
        spec = self.spec.empty if empty and self.spec.empty else self.spec.done
        try:
            text = self.turn.parts.composer.render(spec, self.turn.language, scope)
        except MissingValue:
            if self.spec.empty is None:
                raise
            spec = self.spec.empty
            try:
                text = self.turn.parts.composer.render(spec, self.turn.language, scope)
            except MissingValue:
                self._narrow_down()  # nothing found across everything: ask which one it is
                return self.turn.state.flow is not None
        claims = [self.spec.tool] if spec.key in self.turn.parts.outcome_keys else []
        if self.spec.article:
            text = self.turn.with_article_link(text, self.spec.article)
        self.turn.say_text(text, claims, key=spec.key)
        return True

    def _narrow_down(self) -> None:
        """Ask for the first optional slot not given yet, or hand the question to a person."""
        unset = next((s.name for s in self.spec.slots if s.name not in self.active.slots), None)
        if unset is None:
            self._give_up()
            return
        self._ask(unset)

    def _denied(self, decision: PolicyDecision | None) -> None:
        reason = decision.reason if decision else "denied"
        details = dict(decision.details) if decision else {}
        catalog = self.turn.parts.composer.catalog
        suffix = reason.split(".")[-1]
        key = next(
            (
                key
                for key in self.spec.refusal_keys(reason)
                if key in catalog.message_keys() and self._can_render(key, details)
            ),
            None,
        )
        if key is not None:
            values = self._quoted({**self.active.slots, **details})
            self.turn.say_text(catalog.render(key, self.turn.language, **values), [], key=key)
        else:
            self.turn.say("action.denied")
        retry = self.spec.ask_again_on.get(suffix)
        if retry is not None and retry in self.active.slots:
            # The refusal asked for another value ("at most 10 days. How many?"): wait for it.
            self.active.slots.pop(retry)
            self.active.awaiting = f"slot:{retry}"
            return
        self._count_failure()
        if reason.endswith("needs_person"):  # the policy wants a person to do this one
            escalation = Escalation("identity_check", 1, self.spec.skill, self.spec.name)
            self.turn.escalate(escalation)
        else:
            self._escalate_if_failing()
        self._finish()

    def _nothing_to_act_on(self) -> None:
        """The preview found nothing this flow could act on: say so, or hand over."""
        if self.spec.preview_none is None:
            self._give_up()
            return
        self.turn.say(self.spec.preview_none)
        self._finish()

    def _needs_approval(self, outcome: ToolOutcome, params: dict[str, Any]) -> None:
        self.turn.propose(self.spec.tool, params, outcome)
        details = dict(outcome.decision.details) if outcome.decision else {}
        self.turn.say(self.spec.needs_approval, **self._quoted(details))
        self.turn.escalate(Escalation(reason="needs_approval", priority=1, skill=self.spec.skill))
        self._finish()

    def _tool_failed(self, outcome: ToolOutcome) -> None:
        self.turn.say("apology_tool_error")
        self.turn.escalate(
            Escalation(reason="tool_error", priority=2, skill=self.spec.skill, detail=outcome.error)
        )
        self._finish()

    def _give_up(self) -> None:
        self._count_failure()
        self.turn.say("offer_human")
        self._escalate_if_failing()
        self._finish()

    def _escalate_if_failing(self) -> None:
        """The same operation failing again is a person's job, not another attempt."""
        policy = self.turn.parts.policy
        escalation = policy.after_failure(self.turn.state, self.spec.name, self.spec.skill)
        if escalation is not None:
            self.turn.escalate(escalation)

    def _verify_identity(self, text: str) -> None:
        """Anonymous customers prove who they are in one of the ways the pack declares."""
        if self.turn.parts.verification is None:
            self._give_up()
            return
        verified = try_verification(self.turn, text, awaiting=self.active.awaiting == "verify")
        if verified:
            self._continue()
            return
        if verified is False:
            self.turn.say("verify.failed")
        asked = self.active.asked.get("verify", 0)
        if asked >= MAX_ASKS:
            self._give_up()
            return
        self.active.asked["verify"] = asked + 1
        self.active.awaiting = "verify"
        self.turn.say("ask_verify_identity")

    def _count_failure(self) -> None:
        failures = self.turn.state.failures
        failures[self.spec.name] = failures.get(self.spec.name, 0) + 1

    def _finish(self) -> None:
        self.turn.state.flow = None

    def _can_render(self, key: str, details: dict[str, Any]) -> bool:
        """Whether the policy's details fill every placeholder of this refusal."""
        template = self.turn.parts.composer.catalog.template(key, self.turn.language)
        return placeholders(template) <= {*self.active.slots, *details}

    def _quoted(self, values: dict[str, Any]) -> dict[str, Any]:
        """Values a reply may quote, with an amount written in the customer's currency style."""
        if "amount" in values and "currency" in values:
            amount = format_amount(values["amount"], str(values["currency"]), self.turn.language)
            return {**values, "amount": amount}
        return values

    def _scope(self) -> dict[str, Any]:
        active = self.active
        return {"slots": active.slots, "preview": active.preview, "check": active.check}

    def _params(self, mapping: dict[str, str], optional: bool = True) -> dict[str, Any]:
        params: dict[str, Any] = {}
        for name, expression in mapping.items():
            try:
                params[name] = lookup(self._scope(), expression)
            except MissingValue:
                if not optional:
                    raise
        return params


def _has_content(result: dict[str, Any] | None) -> bool:
    if not result or result.get("found") is False:
        return False
    return all(value != [] for value in result.values())
