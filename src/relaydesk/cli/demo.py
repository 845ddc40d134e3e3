"""`relaydesk demo`: everything a newcomer needs to see the product, in one command."""

from __future__ import annotations

import uvicorn
from rich.panel import Panel

from relaydesk.api.app import create_app
from relaydesk.cli.common import console
from relaydesk.settings import Settings
from relaydesk.store.engine import make_engine
from relaydesk.store.migrate import upgrade


def run_demo(settings: Settings) -> None:
    engine = make_engine(settings.resolved_database_url)
    with console.status("Preparing the database..."):
        upgrade(engine)
    engine.dispose()
    app = create_app(settings)
    base = settings.base_url
    console.print(
        Panel.fit(
            "\n".join(
                [
                    f"API and OpenAPI:   {base}/docs",
                    f"Health:            {base}/healthz",
                    f"Chat in terminal:  relaydesk chat --url {base}",
                ]
            ),
            title="relaydesk demo is running",
        )
    )
    uvicorn.run(app, host=settings.host, port=settings.port, log_level="warning")
