"""The retail store as a pack: registered under the `relaydesk.packs` entry point 'retail'."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy import Engine

from relaydesk.assistant.parts import AssistantParts
from relaydesk.assistant.understanding.entities import ReferencePattern
from relaydesk.pack import API_VERSION, AssistantSetup, Branding, DemoParts
from relaydesk.packs.retail.assistant import PACK_DIR, build_retail_parts
from relaydesk.packs.retail.backend import create_store_schema, seed_store, store_is_seeded
from relaydesk.packs.retail.demo_page import DEMO
from relaydesk.packs.retail.evaluation.suite import StoreTaskSuite
from relaydesk.packs.retail.operations.base import RetailDeps

BRANDING = Branding(
    company_name="The Store",
    help_centre_title="The Store help centre",
    widget_greeting={
        "en": "Hi! Ask me about your orders, returns and exchanges.",
        "de": "Hallo! Fragen Sie mich zu Bestellungen, Rücksendungen und Umtausch.",
        "es": "¡Hola! Pregúntame por tus pedidos, devoluciones y cambios.",
        "fr": "Bonjour ! Posez-moi vos questions sur vos commandes, retours et échanges.",
        "sv": "Hej! Fråga mig om beställningar, returer och byten.",
    },
    colours={"accent": "#0f766e", "accent_text": "#ffffff", "background": "#f5f5f4"},
)


@dataclass(frozen=True)
class RetailPack:
    """An online store: 50 products with variants, 500 customers, 1,000 orders (db.json)."""

    name: str = "retail"
    api_version: int = API_VERSION
    branding: Branding = BRANDING
    data_dir: Path = PACK_DIR
    knowledge_dir: Path = PACK_DIR / "knowledge"
    references: tuple[ReferencePattern, ...] = ()  # its ids are read by its own dialogue/
    skills: tuple[str, ...] = ("orders",)
    demo: DemoParts | None = DEMO  # the demo page; the store's data is db.json as published
    # Optional member: the benchmark's scripted tasks for `relaydesk eval tasks`.
    task_suite: StoreTaskSuite = field(default_factory=StoreTaskSuite, compare=False)

    def prepare_backend(self, engine: Engine) -> None:
        create_store_schema(engine)
        if not store_is_seeded(engine):
            seed_store(engine)

    def seed_backend(self, engine: Engine, *, customers: int, today: date, seed: int) -> None:
        # The store's data is db.json as published; size, day and seed do not change it.
        seed_store(engine)

    def tool_deps(self, engine: Engine, today: Callable[[], date]) -> Any:
        return RetailDeps(engine=engine)

    def build_assistant(self, setup: AssistantSetup) -> AssistantParts:
        return build_retail_parts(
            setup.engine,
            setup.base_url,
            setup.cache_dir,
            embedder=setup.embedder,
            email_sending=setup.email_sending,
        )


def retail_pack() -> RetailPack:
    """The entry point's target."""
    return RetailPack()
