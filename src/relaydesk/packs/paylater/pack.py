"""The demo pay-later company as a pack: registered under the `relaydesk.packs` entry point."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy import Engine

from relaydesk.assistant.parts import AssistantParts
from relaydesk.assistant.understanding.entities import ReferencePattern
from relaydesk.pack import API_VERSION, AssistantSetup, Branding, DemoCustomer, DemoParts
from relaydesk.packs.paylater.assistant import PACK_DIR, build_paylater_parts
from relaydesk.packs.paylater.backend.demo import ALICE_ID, SVEN_ID
from relaydesk.packs.paylater.backend.schema import create_backend_schema
from relaydesk.packs.paylater.backend.seed import seed_backend
from relaydesk.packs.paylater.demo_page import render_shop
from relaydesk.packs.paylater.operations.base import PaylaterDeps
from relaydesk.packs.paylater.policy import PolicyConfig
from relaydesk.packs.paylater.simulation import SIMULATION
from relaydesk.packs.paylater.slot_kinds import REFERENCES

BRANDING = Branding(
    company_name="Paylater",
    help_centre_title="Paylater help centre",
    # The widget's first line in every language the widget speaks.
    widget_greeting=json.loads((PACK_DIR / "widget_greetings.json").read_text(encoding="utf-8")),
    colours={"accent": "#1f4fd1", "accent_dark": "#173b9e"},
)
DEMO = DemoParts(
    customers=(
        DemoCustomer(ALICE_ID, "Alice Andersson", None),
        DemoCustomer(SVEN_ID, "Sven Svensson", "sv"),
    ),
    render_shop=render_shop,
    simulation=SIMULATION,
)


@dataclass(frozen=True)
class PaylaterPack:
    """The demo company: pay in 30 days or in 4, refunds, disputes, its own backend tables."""

    name: str = "paylater"
    api_version: int = API_VERSION
    branding: Branding = BRANDING
    data_dir: Path = PACK_DIR
    knowledge_dir: Path = PACK_DIR / "knowledge"
    references: tuple[ReferencePattern, ...] = REFERENCES
    skills: tuple[str, ...] = ("payments", "disputes", "fraud", "hardship", "complaints")
    demo: DemoParts | None = DEMO
    config: PolicyConfig = field(default_factory=PolicyConfig)

    def prepare_backend(self, engine: Engine) -> None:
        create_backend_schema(engine)

    def seed_backend(self, engine: Engine, *, customers: int, today: date, seed: int) -> None:
        seed_backend(engine, seed=seed, customers=customers, today=today)

    def tool_deps(self, engine: Engine, today: Callable[[], date]) -> Any:
        return PaylaterDeps(engine=engine, config=self.config, clock=today)

    def build_assistant(self, setup: AssistantSetup) -> AssistantParts:
        return build_paylater_parts(
            setup.engine,
            setup.base_url,
            setup.cache_dir,
            embedder=setup.embedder,
            config=self.config,
            clock=setup.today,
            email_sending=setup.email_sending,
        )


def paylater_pack() -> PaylaterPack:
    """The entry point's target."""
    return PaylaterPack()
