"""Channels: the email outbox, email threads, inbound mail and attachments, webhooks.

Revision ID: 0007_channels
Revises: 0006
Create Date: 2026-12-06
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007_channels"
down_revision: str | None = "0006"
branch_labels: Sequence[str] | None = None
depends_on: Sequence[str] | None = None

_WHEN = sa.DateTime(timezone=True)


def _conversation_fk(table: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        ["conversation_id"],
        ["conversations.id"],
        name=f"fk_{table}_conversation_id_conversations",
    )


def _create_email_tables() -> None:
    op.create_table(
        "outbox_emails",
        sa.Column("id", sa.String(64)),
        sa.Column("conversation_id", sa.String(64)),
        sa.Column("event_id", sa.String(64)),
        sa.Column("message_id", sa.String(255), nullable=False),
        sa.Column("recipient", sa.String(320), nullable=False),
        sa.Column("subject", sa.String(500), nullable=False),
        sa.Column("body_text", sa.Text, nullable=False),
        sa.Column("headers", sa.JSON, nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("attempts", sa.Integer, nullable=False),
        sa.Column("next_attempt_at", _WHEN, nullable=False),
        sa.Column("lease_until", _WHEN),
        sa.Column("last_error", sa.Text),
        sa.Column("created_at", _WHEN, nullable=False),
        sa.Column("sent_at", _WHEN),
        sa.PrimaryKeyConstraint("id", name="pk_outbox_emails"),
        _conversation_fk("outbox_emails"),
        sa.UniqueConstraint("event_id", name="uq_outbox_emails_event_id"),
        sa.UniqueConstraint("message_id", name="uq_outbox_emails_message_id"),
    )
    op.create_index("ix_outbox_emails_conversation_id", "outbox_emails", ["conversation_id"])
    op.create_index("ix_outbox_emails_due", "outbox_emails", ["status", "next_attempt_at"])
    op.create_table(
        "email_threads",
        sa.Column("conversation_id", sa.String(64)),
        sa.Column("address", sa.String(320), nullable=False),
        sa.Column("subject", sa.String(500), nullable=False),
        sa.Column("token", sa.String(64), nullable=False),
        sa.Column("message_ids", sa.JSON, nullable=False),
        sa.Column("origin", sa.String(16), nullable=False),
        sa.Column("created_at", _WHEN, nullable=False),
        sa.PrimaryKeyConstraint("conversation_id", name="pk_email_threads"),
        _conversation_fk("email_threads"),
        sa.UniqueConstraint("token", name="uq_email_threads_token"),
    )
    op.create_table(
        "inbound_emails",
        sa.Column("message_id", sa.String(255)),
        sa.Column("conversation_id", sa.String(64)),
        sa.Column("sender", sa.String(320), nullable=False),
        sa.Column("subject", sa.String(500), nullable=False),
        sa.Column("disposition", sa.String(64), nullable=False),
        sa.Column("received_at", _WHEN, nullable=False),
        sa.PrimaryKeyConstraint("message_id", name="pk_inbound_emails"),
        _conversation_fk("inbound_emails"),
    )
    op.create_index("ix_inbound_emails_conversation_id", "inbound_emails", ["conversation_id"])
    op.create_table(
        "email_attachments",
        sa.Column("id", sa.String(64)),
        sa.Column("conversation_id", sa.String(64)),
        sa.Column("message_id", sa.String(255), nullable=False),
        sa.Column("filename", sa.String(255), nullable=False),
        sa.Column("content_type", sa.String(127), nullable=False),
        sa.Column("size", sa.Integer, nullable=False),
        sa.Column("content", sa.LargeBinary, nullable=False),
        sa.Column("created_at", _WHEN, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_email_attachments"),
        _conversation_fk("email_attachments"),
    )
    op.create_index(
        "ix_email_attachments_conversation_id", "email_attachments", ["conversation_id"]
    )


def _create_webhook_tables() -> None:
    op.create_table(
        "webhook_endpoints",
        sa.Column("id", sa.String(64)),
        sa.Column("url", sa.String(2000), nullable=False),
        sa.Column("secret", sa.String(128), nullable=False),
        sa.Column("event_types", sa.JSON, nullable=False),
        sa.Column("description", sa.String(200), nullable=False),
        sa.Column("active", sa.Boolean, nullable=False),
        sa.Column("created_by", sa.String(64)),
        sa.Column("created_at", _WHEN, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_webhook_endpoints"),
    )
    op.create_table(
        "webhook_deliveries",
        sa.Column("id", sa.String(64)),
        sa.Column("endpoint_id", sa.String(64), nullable=False),
        sa.Column("conversation_id", sa.String(64), nullable=False),
        sa.Column("position", sa.Integer, nullable=False),
        sa.Column("event_type", sa.String(64), nullable=False),
        sa.Column("payload", sa.JSON, nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("attempts", sa.Integer, nullable=False),
        sa.Column("next_attempt_at", _WHEN, nullable=False),
        sa.Column("lease_until", _WHEN),
        sa.Column("last_status_code", sa.Integer),
        sa.Column("last_error", sa.Text),
        sa.Column("created_at", _WHEN, nullable=False),
        sa.Column("delivered_at", _WHEN),
        sa.PrimaryKeyConstraint("id", name="pk_webhook_deliveries"),
        sa.ForeignKeyConstraint(
            ["endpoint_id"],
            ["webhook_endpoints.id"],
            name="fk_webhook_deliveries_endpoint_id_webhook_endpoints",
        ),
        _conversation_fk("webhook_deliveries"),
        sa.UniqueConstraint(
            "endpoint_id", "conversation_id", "position", name="uq_webhook_deliveries_position"
        ),
    )
    op.create_index(
        "ix_webhook_deliveries_due", "webhook_deliveries", ["status", "next_attempt_at"]
    )
    op.create_index(
        "ix_webhook_deliveries_conversation",
        "webhook_deliveries",
        ["endpoint_id", "conversation_id", "position"],
    )


def upgrade() -> None:
    _create_email_tables()
    _create_webhook_tables()


def downgrade() -> None:
    for table in (
        "webhook_deliveries",
        "webhook_endpoints",
        "email_attachments",
        "inbound_emails",
        "email_threads",
        "outbox_emails",
    ):
        op.drop_table(table)
