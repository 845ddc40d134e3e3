"""Failed attempts per scope, so identity-check delays are shared by every server process.

Revision ID: 0008_failed_attempts
Revises: 0007_channels
Create Date: 2026-12-06
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008_failed_attempts"
down_revision: str | None = "0007_channels"
branch_labels: Sequence[str] | None = None
depends_on: Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "failed_attempts",
        sa.Column("scope_hash", sa.String(64), nullable=False),
        sa.Column("failures", sa.Integer(), nullable=False),
        sa.Column("last_failed_at", sa.Float(), nullable=False),
        sa.PrimaryKeyConstraint("scope_hash", name="pk_failed_attempts"),
    )


def downgrade() -> None:
    op.drop_table("failed_attempts")
