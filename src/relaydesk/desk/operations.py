"""Operations for people: a form per tool generated from its parameters' JSON Schema, run under
the same policy as the assistant's calls; what needs approval goes to a supervisor.

The form only shapes input: the values go to the tool registry as text and pydantic validates
them there (lax mode turns "5" into 5 and "2026-12-20" into a date), so a person can never pass
what the assistant could not.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal

from relaydesk.desk.agent_work import AgentWorkDesk
from relaydesk.desk.approvals import ApprovalDesk
from relaydesk.desk.cards import Card, card_for_result, sentence
from relaydesk.domain.agents import AgentAccount
from relaydesk.domain.errors import InvalidInput
from relaydesk.domain.model import ConversationId
from relaydesk.tools.registry import ToolRegistry
from relaydesk.tools.spec import ToolDescription

FieldKind = Literal["text", "number", "date", "checkbox", "select", "json"]
Schema = dict[str, Any]


@dataclass(frozen=True)
class FormField:
    name: str
    label: str
    kind: FieldKind
    required: bool
    choices: tuple[str, ...] = ()
    minimum: float | None = None
    maximum: float | None = None
    step: str = "any"
    max_length: int | None = None
    default: str = ""


@dataclass(frozen=True)
class OperationForm:
    tool: str
    title: str
    description: str
    mutates: bool
    fields: list[FormField]


@dataclass(frozen=True)
class OperationResult:
    tool: str
    status: str
    message: str  # one sentence for the agent
    card: Card | None = None
    approval_id: str | None = None


def _branches(prop: Schema) -> list[Schema]:
    """The non-null alternatives of a property (Optional[...] and Decimal's number|string)."""
    options = prop.get("anyOf") or [prop]
    return [option for option in options if option.get("type") != "null"]


def _kind(options: list[Schema]) -> FieldKind:
    types = {option.get("type") for option in options}
    if any("enum" in option for option in options) or any("const" in o for o in options):
        return "select"
    if "boolean" in types:
        return "checkbox"
    if types & {"number", "integer"}:
        return "number"
    if any(option.get("format") == "date" for option in options):
        return "date"
    if types & {"object", "array"} or any("$ref" in option for option in options):
        return "json"
    return "text"


def form_field(name: str, prop: Schema, required: bool) -> FormField:
    """One input from one JSON Schema property."""
    options = _branches(prop)
    kind = _kind(options)
    merged: Schema = {key: value for option in options for key, value in option.items()}
    choices = tuple(str(c) for o in options for c in o.get("enum", [o.get("const")]) if c)
    integer = "integer" in {option.get("type") for option in options}
    number_like = kind == "number"
    default = prop.get("default")
    return FormField(
        name=name,
        label=sentence(prop.get("title") or name),
        kind=kind,
        required=required,
        choices=choices if kind == "select" else (),
        minimum=merged.get("minimum", merged.get("exclusiveMinimum")) if number_like else None,
        maximum=merged.get("maximum") if number_like else None,
        step="1" if integer else ("0.01" if number_like else "any"),
        max_length=merged.get("maxLength"),
        default="" if default is None or isinstance(default, bool) else str(default),
    )


def operation_form(description: ToolDescription) -> OperationForm:
    """The form for one tool, fields in the order its parameter model declares them."""
    schema = description.parameters
    required = set(schema.get("required", []))
    return OperationForm(
        tool=description.name,
        title=sentence(description.name),
        description=description.description,
        mutates=description.mutates,
        fields=[
            form_field(name, prop, name in required)
            for name, prop in schema.get("properties", {}).items()
        ],
    )


def params_from_form(form: OperationForm, values: Mapping[str, str]) -> dict[str, Any]:
    """The parameters as typed: empty inputs left out, so optional ones take their defaults."""
    params: dict[str, Any] = {}
    for item in form.fields:
        raw = values.get(item.name, "").strip()
        if item.kind == "checkbox":
            params[item.name] = raw in ("on", "true", "1")
        elif not raw:
            continue
        elif item.kind == "json":
            try:
                params[item.name] = json.loads(raw)
            except json.JSONDecodeError:
                raise InvalidInput(f"{item.label}: write it as JSON.") from None
        else:
            params[item.name] = raw
    return params


class OperationDesk:
    """The pack's operations as forms, run by a person in a conversation they may act in."""

    def __init__(self, tools: ToolRegistry, work: AgentWorkDesk, approvals: ApprovalDesk) -> None:
        self.tools = tools
        self.work = work
        self.approvals = approvals
        self._forms = {d.name: operation_form(d) for d in tools.describe()}

    def forms(self) -> list[OperationForm]:
        """Changes first, then look-ups, each in the pack's order."""
        return sorted(self._forms.values(), key=lambda form: not form.mutates)

    def run(
        self,
        conversation_id: ConversationId,
        agent: AgentAccount,
        tool: str,
        values: Mapping[str, str],
    ) -> OperationResult:
        """Run it as this person; a call above their limits becomes a request for approval."""
        form = self._forms.get(tool)
        if form is None:
            raise InvalidInput("There is no such operation.")
        params = params_from_form(form, values)
        outcome = self.work.run_tool(conversation_id, agent, tool, params)
        status = str(outcome.get("status"))
        if status == "needs_approval":
            return self._ask_approval(conversation_id, agent, form, outcome, params)
        card = None
        if status == "done" and isinstance(outcome.get("result"), dict):
            schema = self.tools.get(tool).result.model_json_schema(mode="serialization")
            card = card_for_result(tool, outcome["result"], schema)
        return OperationResult(tool, status, _sentence(form, outcome), card)

    def _ask_approval(
        self,
        conversation_id: ConversationId,
        agent: AgentAccount,
        form: OperationForm,
        outcome: dict[str, Any],
        params: dict[str, Any],
    ) -> OperationResult:
        typed = outcome.get("params") or params
        shown = ", ".join(f"{key} {value}" for key, value in typed.items())
        summary = f"{form.title} ({shown}), asked by {agent.display_name}"
        approval_id = self.approvals.propose(
            conversation_id, form.tool, typed, summary, requested_by=agent
        )
        message = f"{form.title} needs a supervisor's approval ({_reason(outcome)}); asked."
        return OperationResult(form.tool, "needs_approval", message, None, approval_id)


def _reason(outcome: dict[str, Any]) -> str:
    decision = outcome.get("decision") or {}
    details = decision.get("details") or {}
    reason = str(decision.get("reason") or "policy").replace("_", " ")
    said = ", ".join(f"{key.replace('_', ' ')} {value}" for key, value in details.items())
    return f"{reason}: {said}" if said else reason


def _sentence(form: OperationForm, outcome: dict[str, Any]) -> str:
    status = outcome.get("status")
    if status == "done":
        return f"{form.title}: done."
    if status == "invalid":
        labels = {item.name: item.label for item in form.fields}
        fields = [labels.get(name, name) for name in outcome.get("fields") or []]
        return f"{form.title}: check {', '.join(fields) or 'the values'}."
    if status == "denied":
        return f"{form.title} is not allowed: {_reason(outcome)}."
    return f"{form.title} failed ({str(outcome.get('error') or 'error').replace('_', ' ')})."
