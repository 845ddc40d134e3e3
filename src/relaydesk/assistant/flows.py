"""Declarative flows (YAML validated by pydantic): slots to collect, confirmation, tool, replies."""

from __future__ import annotations

import re
from pathlib import Path

import yaml
from pydantic import BaseModel, Field, field_validator, model_validator

# A slot kind names a reader: the standard ones (assistant/slots.py) or the pack's own
# (AssistantParts.slot_kinds); a pack's flows are checked against both when it loads.
SlotKind = str
_PARAM = re.compile(r"^(?:(?P<fn>date|amount|reply)\()?(?P<args>[a-z_.,\s0-9]+)\)?$")


class SlotSpec(BaseModel):
    name: str
    kind: SlotKind
    ask: str  # reply key that asks for it
    required: bool = True
    # Where to find it when the customer has not said it: e.g. "preview.order_id".
    default: str | None = None
    choices: list[str] = Field(default_factory=list)  # quick replies: values to offer
    # The reply key prefix of the choices' labels: "size.label" -> size.label.<value>
    choice_labels: str | None = None

    @model_validator(mode="after")
    def _choices_have_labels(self) -> SlotSpec:
        if self.choices and not self.choice_labels:
            raise ValueError(f"slot {self.name!r} offers choices but names no choice_labels")
        return self

    def choice_label_keys(self) -> list[str]:
        return [f"{self.choice_labels}.{value}" for value in self.choices]


class ReplySpec(BaseModel):
    """A reply key and how to fill its placeholders from slots, preview or tool result."""

    key: str
    params: dict[str, str] = Field(default_factory=dict)
    # Said instead when relaydesk sends email: the same reply, promising updates by email.
    by_email: str | None = None

    @field_validator("params")
    @classmethod
    def _params_are_expressions(cls, params: dict[str, str]) -> dict[str, str]:
        for name, expression in params.items():
            if not _PARAM.match(expression):
                raise ValueError(f"parameter {name!r} has an unreadable expression {expression!r}")
        return params


class FlowSpec(BaseModel):
    name: str
    intents: list[str]
    tool: str
    needs_identity: bool = True
    slots: list[SlotSpec] = Field(default_factory=list)
    # A read-only tool whose result fills defaults and the confirmation question.
    preview_tool: str | None = None
    preview_params: dict[str, str] = Field(default_factory=dict)
    confirm: ReplySpec | None = None
    # Tool parameters taken from what the customer confirmed (`check.*`, `preview.*`), so the
    # tool acts on the object that was shown: `seq: check.seq` acts on the item shown.
    tool_params: dict[str, str] = Field(default_factory=dict)
    # Refusals that concern one value: the customer is asked for that value again.
    ask_again_on: dict[str, str] = Field(default_factory=dict)  # reason suffix -> slot
    done: ReplySpec
    empty: ReplySpec | None = None  # a query tool that found nothing
    denied_prefix: str | None = None  # "return.denied" -> return.denied.<reason>
    preview_none: str | None = None  # the preview found nothing ({"found": false}) to act on
    needs_approval: str = "escalated_handover"  # a person must approve the action first
    approved: str | None = None  # told after a person approved it, when done cannot be filled
    skill: str | None = None  # what a person needs to help when this flow fails (None: anyone)
    article: str | None = None  # a help article to link after the answer, by id
    rejected: str = "action.denied"  # what the customer hears when a person refuses it

    def slot(self, name: str) -> SlotSpec | None:
        return next((slot for slot in self.slots if slot.name == name), None)

    def refusal_keys(self, reason: str) -> list[str]:
        """The replies for a policy's refusal, most specific first: <denied_prefix>.<reason>,
        then denied.<reason>, then the reason itself; "postpone.overdue" reads as "overdue"."""
        suffix = reason.split(".")[-1]
        prefix = [f"{self.denied_prefix}.{suffix}"] if self.denied_prefix else []
        return [*prefix, f"denied.{suffix}", suffix]


class FlowBook(BaseModel):
    flows: list[FlowSpec]

    def for_intent(self, intent: str | None) -> FlowSpec | None:
        return next((flow for flow in self.flows if intent in flow.intents), None)

    def named(self, name: str) -> FlowSpec:
        return next(flow for flow in self.flows if flow.name == name)


def load_flows(path: Path) -> FlowBook:
    """Read and validate a pack's flows file."""
    return FlowBook.model_validate(yaml.safe_load(path.read_text(encoding="utf-8")))
