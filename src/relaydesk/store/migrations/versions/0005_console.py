"""The console: who asked for an approval of their own call, and canned responses.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-06
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: Sequence[str] | None = None
depends_on: Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("approvals", sa.Column("requested_by", sa.String(64), nullable=True))
    op.create_table(
        "canned_responses",
        sa.Column("id", sa.String(64), primary_key=True),
        sa.Column("shortcut", sa.String(64), nullable=False),
        sa.Column("language", sa.String(16), nullable=False),
        sa.Column("title", sa.String(200), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("updated_by", sa.String(64), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_canned_responses"),
        sa.UniqueConstraint("shortcut", "language", name="uq_canned_responses_shortcut_language"),
    )


def downgrade() -> None:
    op.drop_table("canned_responses")
    with op.batch_alter_table("approvals") as batch:
        batch.drop_column("requested_by")
