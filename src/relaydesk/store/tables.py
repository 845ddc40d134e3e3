"""relaydesk's own tables. Rows are mapped to domain types in the repositories, never leaked."""

from __future__ import annotations

from sqlalchemy import (
    JSON,
    Column,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
)

metadata = MetaData(
    naming_convention={
        "ix": "ix_%(column_0_label)s",
        "uq": "uq_%(table_name)s_%(column_0_name)s",
        "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
        "pk": "pk_%(table_name)s",
    }
)

customers = Table(
    "customers",
    metadata,
    Column("id", String(64), primary_key=True),
    Column("display_name", String(200), nullable=False),
    Column("language", String(16)),
    Column("external_ref", String(200), unique=True),
    Column("created_at", DateTime(timezone=True), nullable=False),
)

conversations = Table(
    "conversations",
    metadata,
    Column("id", String(64), primary_key=True),
    Column("customer_id", String(64), ForeignKey("customers.id"), nullable=False, index=True),
    Column("owner", String(16), nullable=False, index=True),
    Column("language", String(16)),
    Column("channel", String(32), nullable=False),
    Column("agent_id", String(64), index=True),
    # Bumped on every owner change: claims are a compare-and-set on it.
    Column("version", Integer, nullable=False),
    # The seq of the newest event; appends bump it under the row lock.
    Column("last_seq", Integer, nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False),
)

events = Table(
    "events",
    metadata,
    Column("id", String(64), primary_key=True),
    Column("conversation_id", String(64), ForeignKey("conversations.id"), nullable=False),
    Column("seq", Integer, nullable=False),
    Column("kind", String(32), nullable=False),
    Column("source", String(16), nullable=False),
    Column("text", Text),
    Column("data", JSON, nullable=False),
    Column("caused_by", String(64)),
    Column("actor_id", String(64)),
    Column("idempotency_key", String(200)),
    Column("created_at", DateTime(timezone=True), nullable=False),
    UniqueConstraint("conversation_id", "seq", name="uq_events_conversation_seq"),
    UniqueConstraint("conversation_id", "idempotency_key", name="uq_events_conversation_key"),
    Index("ix_events_caused_by", "caused_by"),
    Index("ix_events_created_at", "created_at"),
)
