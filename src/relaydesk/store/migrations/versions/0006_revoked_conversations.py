"""Conversations whose customer tokens are revoked, so an erased conversation stays closed.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-06
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: Sequence[str] | None = None
depends_on: Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "revoked_conversations",
        sa.Column("conversation_id", sa.String(64), nullable=False),
        sa.Column("reason", sa.String(32), nullable=False),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["conversation_id"],
            ["conversations.id"],
            name="fk_revoked_conversations_conversation_id_conversations",
        ),
        sa.PrimaryKeyConstraint("conversation_id", name="pk_revoked_conversations"),
    )


def downgrade() -> None:
    op.drop_table("revoked_conversations")
