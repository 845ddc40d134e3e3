"""Creating and dropping the demo company's tables.

`metadata.create_all` rather than Alembic, on purpose: these tables stand in for the
operator's own system, whose schema relaydesk never owns or migrates, and the demo data is
regenerated from a seed rather than upgraded. Keeping them out of relaydesk's migration
history means the product schema never depends on the demo, and dropping the demo is one
call. The tables share a database with relaydesk's but not a MetaData, and carry a `pl_`
prefix so neither side can mistake the other's tables for its own.
"""

from __future__ import annotations

from sqlalchemy import Engine, func, select
from sqlalchemy.exc import SQLAlchemyError

from relaydesk.packs.paylater.backend.tables import customers, metadata


def create_backend_schema(engine: Engine) -> None:
    """Create the demo company's tables if they are missing (idempotent)."""
    metadata.create_all(engine, checkfirst=True)


def drop_backend_schema(engine: Engine) -> None:
    """Drop the demo company's tables, leaving relaydesk's own untouched."""
    metadata.drop_all(engine, checkfirst=True)


def backend_is_seeded(engine: Engine) -> bool:
    """True when the demo tables exist and hold customers (so a demo start can skip seeding)."""
    try:
        with engine.connect() as conn:
            count = conn.execute(select(func.count()).select_from(customers)).scalar_one()
    except SQLAlchemyError:
        return False
    return count > 0
