"""`relaydesk demo`: everything a newcomer needs to see the product, in one command."""

from __future__ import annotations

from datetime import date

import uvicorn
from rich.panel import Panel
from sqlalchemy import Engine

from relaydesk.api.app import create_app
from relaydesk.api.deps import Services
from relaydesk.api.socket_frames import server_frame_limit
from relaydesk.cli.common import console
from relaydesk.cli.preparing import StartupSteps
from relaydesk.domain.agents import Role
from relaydesk.domain.errors import Conflict, InvalidInput
from relaydesk.settings import Settings
from relaydesk.store.engine import make_engine
from relaydesk.store.migrate import upgrade

DEMO_AGENT = ("agent@demo.relaydesk", "Maja", "relaydesk-demo")
DEMO_SUPERVISOR = ("supervisor@demo.relaydesk", "Sam", "relaydesk-demo")


def seed_demo_company(engine: Engine) -> None:
    """The demo pay-later company's backend, seeded afresh relative to today."""
    from relaydesk.packs.paylater.backend.seed import seed_backend

    seed_backend(engine, seed=42, customers=200, today=date.today())


def run_demo(settings: Settings) -> None:
    with StartupSteps(console).shown() as steps:
        steps.say("Migrating the database...")
        engine = make_engine(settings.resolved_database_url)
        upgrade(engine)
        steps.say("Seeding the demo company...")
        seed_demo_company(engine)
        engine.dispose()
        steps.say("Loading the assistant (the first start prepares its models)...")
        app = create_app(settings)
        steps.say("Creating the demo agents...")
        ensure_demo_agents(app.state.services)
    print_links(settings)
    uvicorn.run(
        app,
        host=settings.host,
        port=settings.port,
        log_level="warning",
        ws_max_size=server_frame_limit(settings),
    )


def ensure_demo_agents(services: Services) -> None:
    """A demo agent and supervisor with every skill, so the console can be tried at once."""
    for (email, name, password), role in (
        (DEMO_AGENT, Role.AGENT),
        (DEMO_SUPERVISOR, Role.SUPERVISOR),
    ):
        try:
            services.agents.add_agent(
                email=email,
                display_name=name,
                password=password,
                role=role,
                skills=("payments", "disputes", "fraud", "hardship", "complaints"),
                languages=("en", "sv", "de", "es", "fr"),
                capacity=5,
            )
        except (Conflict, InvalidInput):
            continue  # already there from an earlier run


def print_links(settings: Settings) -> None:
    base = settings.base_url
    lines = [
        f"[bold]Demo shop with the chat:[/bold]  {base}/shop",
        f"[bold]Agent console:[/bold]            {base}/console",
        f"    agent {DEMO_AGENT[0]} / {DEMO_AGENT[2]}",
        f"    supervisor {DEMO_SUPERVISOR[0]} / {DEMO_SUPERVISOR[2]}",
        f"[bold]Operator dashboard:[/bold]       {base}/dashboard (sign in as the supervisor)",
        "",
        f"API docs: {base}/docs",
        f"Terminal chat: relaydesk chat --url {base} --customer cust-alice",
    ]
    console.print(Panel.fit("\n".join(lines), title="relaydesk demo is running"))
