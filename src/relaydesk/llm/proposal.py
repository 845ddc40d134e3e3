"""The understanding fallback's contract: an intent from the pack and slot values, validated.

The JSON schema is built from the pack's flows, so a server with structured output can only
produce intents the pack has; whatever arrives is validated again here, and a slot value is
kept only if the customer really wrote it (or, for counts and choices, if it is in range).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from typing import Any

from pydantic import BaseModel, ConfigDict, ValidationError

from relaydesk.assistant.flows import FlowBook, SlotSpec

NONE = "none"
MAX_DAYS = 90  # a proposal past this is nonsense; the pack's policy sets the real limit
# Slot kinds the model may fill beside the pack's reference numbers and any slot with
# choices: values that can be checked against the message or a range.
CHECKABLE_KINDS = frozenset({"days", "amount"})
_FENCE = re.compile(r"^```(?:json)?\s*|\s*```$")


class InvalidProposal(ValueError):
    """The model's output is not a valid proposal: it is discarded whole."""


class Proposal(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    intent: str
    slots: dict[str, Any] = {}


class ProposalSchema:
    """Intents the model may choose (the flows' and the sensitive ones) and their slots."""

    def __init__(
        self,
        flows: FlowBook,
        extra_intents: Iterable[str] = (),
        reference_kinds: Iterable[str] = (),
    ) -> None:
        self.slots_by_intent: dict[str, list[SlotSpec]] = {}
        self.reference_kinds = frozenset(reference_kinds)
        checkable = CHECKABLE_KINDS | self.reference_kinds
        for flow in flows.flows:
            for intent in flow.intents:
                proposable = [slot for slot in flow.slots if slot.kind in checkable or slot.choices]
                self.slots_by_intent[intent] = proposable
        for intent in extra_intents:
            self.slots_by_intent.setdefault(intent, [])
        names = {slot.name for slots in self.slots_by_intent.values() for slot in slots}
        self.slot_names = sorted(names)

    def intents(self) -> dict[str, list[str]]:
        return {intent: [s.name for s in slots] for intent, slots in self.slots_by_intent.items()}

    def json_schema(self) -> dict[str, Any]:
        """Strict structured output: every key required, a slot null when not given."""
        slot_props = {name: {"type": ["string", "null"]} for name in self.slot_names}
        return {
            "type": "object",
            "properties": {
                "intent": {"type": "string", "enum": [*self.slots_by_intent, NONE]},
                "slots": {
                    "type": "object",
                    "properties": slot_props,
                    "required": self.slot_names,
                    "additionalProperties": False,
                },
            },
            "required": ["intent", "slots"],
            "additionalProperties": False,
        }

    def parse(self, raw: str, message: str) -> tuple[str, dict[str, Any], list[str]]:
        """(intent, kept slots, dropped slot reasons); InvalidProposal when unusable."""
        try:
            proposal = Proposal.model_validate(json.loads(_FENCE.sub("", raw.strip())))
        except (json.JSONDecodeError, ValidationError) as exc:
            raise InvalidProposal("malformed_json") from exc
        if proposal.intent != NONE and proposal.intent not in self.slots_by_intent:
            raise InvalidProposal("unknown_intent")
        specs = {slot.name: slot for slot in self.slots_by_intent.get(proposal.intent, [])}
        kept: dict[str, Any] = {}
        dropped: list[str] = []
        for name, value in proposal.slots.items():
            if value is None or value == "":
                continue
            spec = specs.get(name)
            checked = slot_value(spec, value, message, self.reference_kinds) if spec else None
            if checked is None:
                dropped.append(f"slot_rejected:{name}")
            else:
                kept[name] = checked
        return proposal.intent, kept, dropped


def slot_value(
    spec: SlotSpec, value: Any, message: str, reference_kinds: frozenset[str] = frozenset()
) -> Any:
    """The value in the flow's own shape, or None when it cannot be trusted."""
    text = str(value).strip()
    if spec.choices:
        return text if text in spec.choices else None
    if spec.kind in reference_kinds:  # a reference number the customer must have written
        return text.upper() if text and text.upper() in message.upper() else None
    if spec.kind == "amount":
        digits = re.sub(r"[^\d.,]", "", text)
        return digits.replace(",", ".") if digits and digits in message else None
    if spec.kind == "days":
        return int(text) if text.isdigit() and 0 < int(text) <= MAX_DAYS else None
    return None
