"""`relaydesk simulate`: a week of realistic traffic through the public API, in minutes."""

from __future__ import annotations

import os
from contextlib import AbstractContextManager, ExitStack, nullcontext
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from relaydesk.cli.common import console, fail, settings_or_exit

if TYPE_CHECKING:
    from sqlalchemy import Engine

    from relaydesk.pack import Pack, SimulationParts
    from relaydesk.settings import Settings
    from relaydesk.simulation.runner import SimulationConfig, SimulationSummary


def register(app: typer.Typer) -> None:
    app.command("simulate")(simulate)


def simulate(
    customers: Annotated[int, typer.Option(help="How many customers visit.")] = 200,
    days: Annotated[int, typer.Option(help="Spread their visits over this many days.")] = 7,
    url: Annotated[
        list[str] | None,
        typer.Option(
            help="A running relaydesk on this database (repeat for several); "
            "without it, servers are started."
        ),
    ] = None,
    servers: Annotated[
        int | None,
        typer.Option(help="Servers to start without --url (default: one per core, at most 4)."),
    ] = None,
    agents: Annotated[
        int | None, typer.Option(help="Simulated agents (default: one per 600 customers, >= 3).")
    ] = None,
    concurrency: Annotated[int, typer.Option(help="Customers talking at the same time.")] = 12,
    seed: Annotated[int, typer.Option(help="Same seed, same customers.")] = 7,
    spike: Annotated[
        int, typer.Option(help="Extra customers asking about one topic on the last day (a spike).")
    ] = 0,
    unanswered: Annotated[
        int, typer.Option(help="Extra customers asking what the assistant cannot answer.")
    ] = 0,
    data_dir: Annotated[
        Path | None, typer.Option("--data-dir", help="Where the SQLite file and caches live.")
    ] = None,
) -> None:
    """Simulate customers and agents working through the API on a compressed clock.

    Customers follow the pack's personas (its demo parts): they ask questions, run flows,
    get frustrated, ask for a person or need an action approved; simulated agents claim,
    answer, approve, hand back and close; customers rate. Afterwards their timestamps are
    spread over DAYS days (see docs/metrics.md) and the dashboard and `relaydesk report`
    show the numbers.
    """
    from relaydesk.simulation.runner import SimulationConfig

    _check_arguments(customers, days, concurrency, agents, url or [])
    if not (0 <= spike <= 10_000 and 0 <= unanswered <= 10_000):
        fail("--spike and --unanswered must be between 0 and 10000.")
    if servers is not None and not 1 <= servers <= 8:
        fail("--servers must be between 1 and 8.")
    config = SimulationConfig(
        customers=customers,
        days=days,
        agents=agents or max(3, customers // 600),
        concurrency=concurrency,
        seed=seed,
        spike=spike,
        unanswered=unanswered,
    )
    settings = settings_or_exit(data_dir=data_dir)
    summary = _run(settings, config, url or [], servers or min(4, os.cpu_count() or 1))
    _print_summary(summary)


def _check_arguments(
    customers: int, days: int, concurrency: int, agents: int | None, urls: list[str]
) -> None:
    if customers < 1 or customers > 100_000:
        fail("--customers must be between 1 and 100000.")
    if days < 1 or days > 90:
        fail("--days must be between 1 and 90.")
    if concurrency < 1 or concurrency > 64:
        fail("--concurrency must be between 1 and 64.")
    if agents is not None and not 1 <= agents <= 200:
        fail("--agents must be between 1 and 200.")
    if any(not url.startswith(("http://", "https://")) for url in urls):
        fail("--url must start with http:// or https://.")


def _run(
    settings: Settings, config: SimulationConfig, urls: list[str], servers: int
) -> SimulationSummary:
    from relaydesk.pack import PackError, load_pack
    from relaydesk.simulation.client import ApiError
    from relaydesk.simulation.runner import ensure_backend

    try:
        pack = load_pack(settings.pack)
    except PackError as error:
        fail(str(error))
    parts = pack.demo.simulation if pack.demo else None
    if parts is None:
        fail(f"The pack '{pack.name}' has no simulation parts, so it cannot be simulated.")
    from relaydesk.simulation.setup import local_servers
    from relaydesk.store.engine import make_engine
    from relaydesk.store.migrate import upgrade

    engine = make_engine(settings.resolved_database_url)
    try:
        with console.status("Preparing the database and the demo data..."):
            upgrade(engine)
            backend = ensure_backend(engine, max(200, config.customers), pack, parts)
        started: AbstractContextManager[list[str]] = (
            nullcontext(urls)
            if urls
            else local_servers(settings, servers, settings.data_dir / "simulation-server.log")
        )
        with ExitStack() as stack:
            with console.status("Starting relaydesk (a cold model cache trains first)..."):
                targets = stack.enter_context(started)
                for target in targets:
                    _require_reachable(target)
            try:
                return _with_progress(targets, engine, settings, config, (pack, parts), backend)
            except ApiError as error:
                fail(
                    f"The server refused a simulated call ({error}); it must share this "
                    "database and secret key.",
                    code=1,
                )
    finally:
        engine.dispose()


def _require_reachable(url: str) -> None:
    import httpx

    from relaydesk.simulation.client import wait_until_healthy

    try:
        with httpx.Client(base_url=url) as http:
            wait_until_healthy(http, timeout=10)
    except TimeoutError:
        fail(f"Nothing answers at {url}/healthz; start relaydesk or leave out --url.", code=1)


def _with_progress(
    urls: list[str],
    engine: Engine,
    settings: Settings,
    config: SimulationConfig,
    pack_and_parts: tuple[Pack, SimulationParts],
    backend: int,
) -> SimulationSummary:
    from relaydesk.simulation.runner import simulate

    columns = (
        TextColumn("[bold]simulating"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("visits"),
        TimeElapsedColumn(),
    )
    with Progress(*columns, console=console) as progress:
        task = progress.add_task("visits", total=None)

        def planned(total: int) -> None:
            progress.update(task, total=total)

        def advance(_result: object) -> None:
            progress.advance(task)

        return simulate(
            urls,
            engine,
            settings.secret_key,
            settings.identity_secret,
            config,
            backend_customers=backend,
            pack=pack_and_parts[0],
            parts=pack_and_parts[1],
            on_planned=planned,
            on_visit=advance,
        )


def _print_summary(summary: SimulationSummary) -> None:
    table = Table("outcome", "visits", title="Simulation")
    for outcome, count in summary.outcomes.most_common():
        table.add_row(outcome, str(count))
    console.print(table)
    for error in summary.errors:
        console.print(f"[yellow]example error:[/yellow] {error}", highlight=False)
    if any("rate_limited" in error for error in summary.errors):
        console.print(
            "The server's per-IP limit turned simulated customers away: start it with "
            "RELAYDESK_RATE_LIMIT_IP_PER_MINUTE=0 for a simulation, or leave out --url.",
            highlight=False,
        )
    console.print(
        f"{summary.visits} visits from {summary.since:%Y-%m-%d %H:%M} to "
        f"{summary.until:%Y-%m-%d %H:%M} UTC, {summary.events_moved} events re-timed, "
        f"in {summary.seconds:.1f} s. See them with: relaydesk report --since 7d"
    )
