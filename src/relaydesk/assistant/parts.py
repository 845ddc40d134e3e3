"""What a domain pack gives the assistant: models, flows, knowledge, replies, tools, policy."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from relaydesk.assistant.claims import ClaimPattern
from relaydesk.assistant.compose import Composer
from relaydesk.assistant.escalation import EscalationPolicy
from relaydesk.assistant.flows import FlowBook
from relaydesk.assistant.guard import ReplyGuard
from relaydesk.assistant.knowledge import KnowledgeBase
from relaydesk.assistant.model_roles import ModelRoles
from relaydesk.assistant.slots import STANDARD_SLOT_READERS, SlotReader, entity_reader
from relaydesk.assistant.steps import DialogueStep
from relaydesk.assistant.understanding import Understander
from relaydesk.tools import ToolRegistry


@dataclass(frozen=True)
class IdentityCheck:
    """How an anonymous customer proves who they are, as the pack declares it.

    The engine collects `fields` (entity kinds, e.g. email and an order number) from the
    customer's messages, then calls `tool` with them as parameters; the tool answers
    {"verified": bool, "customer_id": str}.
    """

    fields: tuple[str, ...]
    tool: str
    # Other ways to prove it (a name and a postal code beside an email): each is
    # tried once all its fields are given. A field is read by the slot reader of its kind
    # (standard, the pack's own, or a reference number's entity).
    alternatives: tuple[IdentityCheck, ...] = ()

    def ways(self) -> tuple[IdentityCheck, ...]:
        """Every way to prove identity, this one first."""
        return (IdentityCheck(self.fields, self.tool), *self.alternatives)

    def all_fields(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(f for way in self.ways() for f in way.fields))


@dataclass(frozen=True)
class AssistantParts:
    understander: Understander
    flows: FlowBook
    knowledge: KnowledgeBase
    composer: Composer
    tools: ToolRegistry
    tool_deps: Any
    guard: ReplyGuard
    policy: EscalationPolicy
    base_url: str
    intent_threshold: float = 0.5
    tool_timeout_s: float = 2.0
    # Replies that state an outcome, by the tool whose result must back them.
    outcome_keys: tuple[str, ...] = ()
    # Turns collected slots into a tool's parameters where their shapes differ.
    param_adapter: Callable[[str, dict[str, Any]], dict[str, Any]] | None = None
    # Read-only tools whose results make up the customer panel an agent sees.
    profile_tools: tuple[str, ...] = ()
    # How an anonymous customer proves who they are; None: flows needing identity hand over.
    verification: IdentityCheck | None = None
    # The pack's own slot kinds (reasons, card digits...) beside the standard ones and the
    # kinds of its reference numbers (read from the understander's entities).
    slot_kinds: Mapping[str, SlotReader] = field(default_factory=dict)
    # The pack's slot kinds a customer may correct with a bare value at a confirmation
    # ("no wait, 95"), beside the standard days and amount.
    correctable_kinds: frozenset[str] = frozenset()
    # A dialogue step the pack runs itself, behind the engine's escalation policy, identity
    # check, tool policies and reply guard (relaydesk.assistant.steps); None: flows only.
    dialogue_step: DialogueStep | None = None
    # Outcome statements in a model's free text, by the tool that must back them (llm/).
    claim_patterns: tuple[ClaimPattern, ...] = ()
    # An optional language model's roles (relaydesk.llm); None runs the embedded engine alone.
    llm: ModelRoles | None = None

    def slot_reader(self, kind: str) -> SlotReader | None:
        """The pack's reader, a standard one, or the entity of a reference number's kind."""
        reader = self.slot_kinds.get(kind) or STANDARD_SLOT_READERS.get(kind)
        if reader is None and kind in self.understander.reference_kinds:
            return entity_reader(kind)
        return reader

    def tool_params(self, tool: str, slots: dict[str, Any]) -> dict[str, Any]:
        return self.param_adapter(tool, slots) if self.param_adapter else slots

    def article_link(self, path: str) -> str:
        return self.base_url.rstrip("/") + path
