"""Alembic environment: runs relaydesk's migrations against the configured database."""

from alembic import context
from sqlalchemy import Connection

from relaydesk.store.engine import make_engine
from relaydesk.store.tables import metadata

config = context.config


def run_migrations(connection: Connection) -> None:
    context.configure(connection=connection, target_metadata=metadata, render_as_batch=True)
    with context.begin_transaction():
        context.run_migrations()


connectable = config.attributes.get("connection")
if connectable is not None:
    run_migrations(connectable)
else:
    engine = make_engine(config.get_main_option("sqlalchemy.url") or "")
    with engine.connect() as conn:
        run_migrations(conn)
    engine.dispose()
