"""`relaydesk demo`: everything a newcomer needs to see the product, in one command."""

from __future__ import annotations

from datetime import date

import uvicorn
from rich.panel import Panel
from sqlalchemy import Engine

from relaydesk.api.app import create_app
from relaydesk.api.deps import Services
from relaydesk.api.socket_frames import server_frame_limit
from relaydesk.cli.common import console, fail
from relaydesk.cli.preparing import StartupSteps
from relaydesk.domain.agents import Role
from relaydesk.domain.errors import Conflict, InvalidInput
from relaydesk.pack import Pack, PackError, load_pack
from relaydesk.settings import Settings, remember_seeded_pack
from relaydesk.store.engine import make_engine
from relaydesk.store.migrate import upgrade

DEMO_AGENT = ("agent@demo.relaydesk", "Maja", "relaydesk-demo")
DEMO_SUPERVISOR = ("supervisor@demo.relaydesk", "Sam", "relaydesk-demo")


def seed_demo_company(engine: Engine, pack: Pack) -> None:
    """The pack's backend, seeded afresh relative to today (the pack decides its size)."""
    demo = pack.demo
    customers = demo.demo_backend_customers if demo else 0
    seed = demo.demo_seed if demo else 42
    pack.prepare_backend(engine)
    pack.seed_backend(engine, customers=customers, today=date.today(), seed=seed)


def run_demo(settings: Settings) -> None:
    settings = settings.model_copy(update={"demo_shop": True})  # only the demo mounts /shop
    try:
        pack = load_pack(settings.pack)
    except PackError as error:
        fail(str(error))
    with StartupSteps(console).shown() as steps:
        steps.say("Migrating the database...")
        engine = make_engine(settings.resolved_database_url)
        upgrade(engine)
        steps.say(f"Seeding {pack.branding.company_name}...")
        seed_demo_company(engine, pack)
        engine.dispose()
        remember_seeded_pack(settings.data_dir, pack.name)
        steps.say("Loading the assistant (the first start prepares its models)...")
        try:
            app = create_app(settings, pack=pack)
        except PackError as error:
            fail(str(error))
        steps.say("Creating the demo agents...")
        ensure_demo_agents(app.state.services)
    print_links(settings, pack)
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
                skills=services.pack.skills,
                languages=("en", "sv", "de", "es", "fr"),
                capacity=5,
            )
        except (Conflict, InvalidInput):
            continue  # already there from an earlier run


def print_links(settings: Settings, pack: Pack) -> None:
    base = settings.base_url
    demo = pack.demo
    has_shop = demo is not None and demo.render_shop is not None
    # a pack without a demo page is tried in the terminal chat and its help centre
    first_line = (
        f"[bold]Demo shop with the chat:[/bold]  {base}/shop"
        if has_shop
        else f"[bold]Help centre:[/bold]              {base}/help"
    )
    customer = f" --customer {demo.customers[0].customer_id}" if demo and demo.customers else ""
    lines = [
        first_line,
        f"[bold]Agent console:[/bold]            {base}/console",
        f"    agent {DEMO_AGENT[0]} / {DEMO_AGENT[2]}",
        f"    supervisor {DEMO_SUPERVISOR[0]} / {DEMO_SUPERVISOR[2]}",
        f"[bold]Operator dashboard:[/bold]       {base}/dashboard (sign in as the supervisor)",
        f"[bold]API docs:[/bold]                 {base}/docs",
    ]
    console.print(Panel.fit("\n".join(lines), title="relaydesk demo is running"))
    # outside the panel and never wrapped, so the command can be copied whole
    console.print(
        f"Chat from a terminal: relaydesk chat --url {base}{customer}",
        soft_wrap=True,
        highlight=False,
    )
