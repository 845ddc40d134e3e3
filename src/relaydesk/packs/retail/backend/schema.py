"""Creating and dropping the retail store's tables.

`metadata.create_all` rather than Alembic, as the pay-later demo does and for the same reason:
these tables stand in for the store's own system, whose schema relaydesk never owns or
migrates, and the data is re-seeded from db.json rather than upgraded. The pack owns its
tables entirely; core's migrations and its migrations test never see them.
"""

from __future__ import annotations

from sqlalchemy import Engine, func, select
from sqlalchemy.exc import SQLAlchemyError

from relaydesk.packs.retail.backend.tables import metadata, users


def create_store_schema(engine: Engine) -> None:
    """Create the store's tables if they are missing (idempotent)."""
    metadata.create_all(engine, checkfirst=True)


def drop_store_schema(engine: Engine) -> None:
    """Drop the store's tables, leaving relaydesk's own untouched."""
    metadata.drop_all(engine, checkfirst=True)


def store_is_seeded(engine: Engine) -> bool:
    """True when the store's tables exist and hold users (so a demo start can skip seeding)."""
    try:
        with engine.connect() as conn:
            count = conn.execute(select(func.count()).select_from(users)).scalar_one()
    except SQLAlchemyError:
        return False
    return count > 0
