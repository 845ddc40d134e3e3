"""Stored `signal` events get the kind that says what they are.

One `signal` kind used to carry the assistant's turn record (its understanding and memory),
customers' CSAT ratings, the model's hand-off notes and translations, and one-time keys
consumed. Each is recognised by the key its payload has always had. Events are append-only
(0004): the guard against changing an event's kind is lifted for this one rewrite and put
back in the same transaction.

Revision ID: 0009_signal_kinds
Revises: 0008_failed_attempts
Create Date: 2026-12-06
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0009_signal_kinds"
down_revision: str | None = "0008_failed_attempts"
branch_labels: Sequence[str] | None = None
depends_on: Sequence[str] | None = None

# The payload key that marks each kind, checked in this order; the rest were turn records.
MARKED_BY = (
    ("key_claimed", "claimed"),
    ("handoff_note", "handoff_note"),
    ("translation", "translation"),
    ("csat_rating", "csat"),
)
TURN = "assistant_turn"
NEW_KINDS = (*(kind for kind, _ in MARKED_BY), TURN)

_SQLITE_GUARD = "events_fixed_fields"
_SQLITE_GUARD_DDL = (
    "CREATE TRIGGER events_fixed_fields BEFORE UPDATE OF id, conversation_id, seq, kind, "
    "source, caused_by, actor_id, idempotency_key ON events "
    "BEGIN SELECT RAISE(ABORT, 'events are append-only: who did what cannot change'); END"
)


def _has_key(dialect: str, key: str) -> str:
    if dialect == "postgresql":
        return f"(data -> '{key}') IS NOT NULL"
    return f"json_type(data, '$.{key}') IS NOT NULL"


def _without_guard(statements: list[str]) -> None:
    """Run `statements` with the append-only guard on an event's kind lifted."""
    dialect = op.get_bind().dialect.name
    if dialect == "postgresql":
        op.execute("ALTER TABLE events DISABLE TRIGGER events_append_only")
    elif dialect == "sqlite":
        op.execute(f"DROP TRIGGER IF EXISTS {_SQLITE_GUARD}")
    for statement in statements:
        op.execute(statement)
    if dialect == "postgresql":
        op.execute("ALTER TABLE events ENABLE TRIGGER events_append_only")
    elif dialect == "sqlite":
        op.execute(_SQLITE_GUARD_DDL)


def upgrade() -> None:
    dialect = op.get_bind().dialect.name
    statements = [
        f"UPDATE events SET kind = '{kind}' WHERE kind = 'signal' AND {_has_key(dialect, key)}"
        for kind, key in MARKED_BY
    ]
    statements.append(f"UPDATE events SET kind = '{TURN}' WHERE kind = 'signal'")
    _without_guard(statements)


def downgrade() -> None:
    kinds = ", ".join(f"'{kind}'" for kind in NEW_KINDS)
    _without_guard([f"UPDATE events SET kind = 'signal' WHERE kind IN ({kinds})"])
