"""Events are append-only in the database: no delete, and who did what never changes.

Erasure (GDPR) and the transcript policy's mask-on-close may still redact an event's text
and personal data, and the simulator may
re-time its own demo traffic; the rows, their order, kind, source and actor stay. On
PostgreSQL, TRUNCATE of events and of the audit log is refused as well.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-01
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: Sequence[str] | None = None
depends_on: Sequence[str] | None = None

FIXED = (
    "id",
    "conversation_id",
    "seq",
    "kind",
    "source",
    "caused_by",
    "actor_id",
    "idempotency_key",
)

_SQLITE_GUARDS = [
    "CREATE TRIGGER events_no_delete BEFORE DELETE ON events "
    "BEGIN SELECT RAISE(ABORT, 'events are append-only'); END",
    f"CREATE TRIGGER events_fixed_fields BEFORE UPDATE OF {', '.join(FIXED)} ON events "
    "BEGIN SELECT RAISE(ABORT, 'events are append-only: who did what cannot change'); END",
]
_CHANGED = " OR ".join(f"NEW.{column} IS DISTINCT FROM OLD.{column}" for column in FIXED)
_POSTGRES_GUARDS = [
    "CREATE OR REPLACE FUNCTION events_append_only() RETURNS trigger AS $$ BEGIN "
    "IF TG_OP = 'DELETE' THEN RAISE EXCEPTION 'events are append-only'; END IF; "
    f"IF {_CHANGED} THEN "
    "RAISE EXCEPTION 'events are append-only: who did what cannot change'; END IF; "
    "RETURN NEW; END $$ LANGUAGE plpgsql",
    "CREATE TRIGGER events_append_only BEFORE UPDATE OR DELETE ON events "
    "FOR EACH ROW EXECUTE FUNCTION events_append_only()",
    "CREATE OR REPLACE FUNCTION refuse_truncate() RETURNS trigger AS $$ BEGIN "
    "RAISE EXCEPTION '% is append-only', TG_TABLE_NAME; END $$ LANGUAGE plpgsql",
    "CREATE TRIGGER events_no_truncate BEFORE TRUNCATE ON events "
    "FOR EACH STATEMENT EXECUTE FUNCTION refuse_truncate()",
    "CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log "
    "FOR EACH STATEMENT EXECUTE FUNCTION refuse_truncate()",
]
_DROPS = {
    "sqlite": [
        "DROP TRIGGER IF EXISTS events_no_delete",
        "DROP TRIGGER IF EXISTS events_fixed_fields",
    ],
    "postgresql": [
        "DROP TRIGGER IF EXISTS audit_log_no_truncate ON audit_log",
        "DROP TRIGGER IF EXISTS events_no_truncate ON events",
        "DROP TRIGGER IF EXISTS events_append_only ON events",
        "DROP FUNCTION IF EXISTS refuse_truncate()",
        "DROP FUNCTION IF EXISTS events_append_only()",
    ],
}


def upgrade() -> None:
    dialect = op.get_bind().dialect.name
    for statement in {"sqlite": _SQLITE_GUARDS, "postgresql": _POSTGRES_GUARDS}.get(dialect, []):
        op.execute(statement)


def downgrade() -> None:
    for statement in _DROPS.get(op.get_bind().dialect.name, []):
        op.execute(statement)
