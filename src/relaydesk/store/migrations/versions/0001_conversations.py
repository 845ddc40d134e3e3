"""Customers, conversations and their append-only events.

Revision ID: 0001
Revises:
Create Date: 2026-11-23
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0001"
down_revision: str | None = None
branch_labels: Sequence[str] | None = None
depends_on: Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "customers",
        sa.Column("id", sa.String(64), primary_key=True),
        sa.Column("display_name", sa.String(200), nullable=False),
        sa.Column("language", sa.String(16)),
        sa.Column("external_ref", sa.String(200)),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_customers"),
        sa.UniqueConstraint("external_ref", name="uq_customers_external_ref"),
    )
    op.create_table(
        "conversations",
        sa.Column("id", sa.String(64)),
        sa.Column("customer_id", sa.String(64), nullable=False),
        sa.Column("owner", sa.String(16), nullable=False),
        sa.Column("language", sa.String(16)),
        sa.Column("channel", sa.String(32), nullable=False),
        sa.Column("agent_id", sa.String(64)),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("last_seq", sa.Integer, nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_conversations"),
        sa.ForeignKeyConstraint(
            ["customer_id"], ["customers.id"], name="fk_conversations_customer_id_customers"
        ),
    )
    op.create_index("ix_conversations_customer_id", "conversations", ["customer_id"])
    op.create_index("ix_conversations_owner", "conversations", ["owner"])
    op.create_index("ix_conversations_agent_id", "conversations", ["agent_id"])
    op.create_table(
        "events",
        sa.Column("id", sa.String(64)),
        sa.Column("conversation_id", sa.String(64), nullable=False),
        sa.Column("seq", sa.Integer, nullable=False),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("source", sa.String(16), nullable=False),
        sa.Column("text", sa.Text),
        sa.Column("data", sa.JSON, nullable=False),
        sa.Column("caused_by", sa.String(64)),
        sa.Column("actor_id", sa.String(64)),
        sa.Column("idempotency_key", sa.String(200)),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_events"),
        sa.ForeignKeyConstraint(
            ["conversation_id"],
            ["conversations.id"],
            name="fk_events_conversation_id_conversations",
        ),
        sa.UniqueConstraint("conversation_id", "seq", name="uq_events_conversation_seq"),
        sa.UniqueConstraint(
            "conversation_id", "idempotency_key", name="uq_events_conversation_key"
        ),
    )
    op.create_index("ix_events_caused_by", "events", ["caused_by"])
    op.create_index("ix_events_created_at", "events", ["created_at"])


def downgrade() -> None:
    op.drop_table("events")
    op.drop_table("conversations")
    op.drop_table("customers")
