"""relaydesk's own tables. Rows are mapped to domain types in the repositories, never leaked."""

from __future__ import annotations

from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
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

# Conversations whose customer tokens no longer open them (erased on request).
revoked_conversations = Table(
    "revoked_conversations",
    metadata,
    Column("conversation_id", String(64), ForeignKey("conversations.id"), primary_key=True),
    Column("reason", String(32), nullable=False),
    Column("revoked_at", DateTime(timezone=True), nullable=False),
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

# --- Human agents: accounts, sessions, presence, the queue and approvals. ---

agents = Table(
    "agents",
    metadata,
    Column("id", String(64), primary_key=True),
    Column("email", String(320), nullable=False, unique=True),
    Column("display_name", String(200), nullable=False),
    Column("role", String(16), nullable=False),
    Column("password_hash", String(255), nullable=False),
    Column("skills", JSON, nullable=False),
    Column("languages", JSON, nullable=False),
    Column("capacity", Integer, nullable=False),
    Column("active", Boolean, nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
)

agent_sessions = Table(
    "agent_sessions",
    metadata,
    # The SHA-256 of the session token: a leaked table does not leak sessions.
    Column("token_hash", String(64), primary_key=True),
    Column("agent_id", String(64), ForeignKey("agents.id"), nullable=False, index=True),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("expires_at", DateTime(timezone=True), nullable=False),
)

agent_presence = Table(
    "agent_presence",
    metadata,
    Column("agent_id", String(64), ForeignKey("agents.id"), primary_key=True),
    Column("status", String(16), nullable=False),
    Column("last_seen", DateTime(timezone=True), nullable=False),
)

queue_entries = Table(
    "queue_entries",
    metadata,
    Column("id", String(64), primary_key=True),
    Column("conversation_id", String(64), ForeignKey("conversations.id"), nullable=False),
    # The conversation's version when it was queued: one entry per escalation.
    Column("version", Integer, nullable=False),
    Column("priority", Integer, nullable=False),
    Column("reason", String(64), nullable=False),
    Column("skill", String(64)),
    Column("language", String(16)),
    Column("enqueued_at", DateTime(timezone=True), nullable=False),
    Column("assigned_at", DateTime(timezone=True)),
    Column("assigned_to", String(64)),
    Column("left_at", DateTime(timezone=True)),
    Column("follow_up_email", String(320)),
    UniqueConstraint("conversation_id", "version", name="uq_queue_entries_conversation_version"),
    Index("ix_queue_entries_waiting", "assigned_at", "left_at", "priority"),
)

approvals = Table(
    "approvals",
    metadata,
    Column("id", String(64), primary_key=True),
    Column("conversation_id", String(64), ForeignKey("conversations.id"), nullable=False),
    Column("tool", String(100), nullable=False),
    Column("params", JSON, nullable=False),
    Column("summary", Text, nullable=False),
    Column("status", String(16), nullable=False, index=True),
    Column("decided_by", String(64)),
    Column("reason", Text),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("decided_at", DateTime(timezone=True)),
    # The person whose own call needed approval; None when the assistant proposed it.
    Column("requested_by", String(64)),
    Index("ix_approvals_conversation_id", "conversation_id"),
)

# --- Canned responses: supervisors' ready replies per language, inserted with "/". ---

canned_responses = Table(
    "canned_responses",
    metadata,
    Column("id", String(64), primary_key=True),
    Column("shortcut", String(64), nullable=False),
    Column("language", String(16), nullable=False),
    Column("title", String(200), nullable=False),
    Column("body", Text, nullable=False),
    Column("active", Boolean, nullable=False),
    Column("updated_by", String(64), nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False),
    UniqueConstraint("shortcut", "language", name="uq_canned_responses_shortcut_language"),
)

# --- Audit: actions outside conversations (privacy requests); append-only (see 0003). ---

audit_log = Table(
    "audit_log",
    metadata,
    Column("id", String(64), primary_key=True),
    Column("at", DateTime(timezone=True), nullable=False, index=True),
    Column("actor_kind", String(16), nullable=False),
    Column("actor_id", String(200)),
    Column("action", String(64), nullable=False),
    Column("subject", String(200), index=True),
    Column("decision", String(32)),
    Column("details", JSON, nullable=False),
)

# --- Channels: the email outbox, email threads, inbound mail, webhooks (see 0005). ---

outbox_emails = Table(
    "outbox_emails",
    metadata,
    Column("id", String(64), primary_key=True),
    Column("conversation_id", String(64), ForeignKey("conversations.id"), index=True),
    # The event that caused this email: one email per event, however often the hook runs.
    Column("event_id", String(64)),
    # Stable across retries, so a receiver can drop a copy sent again after a crash.
    Column("message_id", String(255), nullable=False),
    Column("recipient", String(320), nullable=False),
    Column("subject", String(500), nullable=False),
    Column("body_text", Text, nullable=False),
    Column("headers", JSON, nullable=False),
    Column("status", String(16), nullable=False),
    Column("attempts", Integer, nullable=False),
    Column("next_attempt_at", DateTime(timezone=True), nullable=False),
    Column("lease_until", DateTime(timezone=True)),
    Column("last_error", Text),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("sent_at", DateTime(timezone=True)),
    UniqueConstraint("event_id", name="uq_outbox_emails_event_id"),
    UniqueConstraint("message_id", name="uq_outbox_emails_message_id"),
    Index("ix_outbox_emails_due", "status", "next_attempt_at"),
)

email_threads = Table(
    "email_threads",
    metadata,
    Column("conversation_id", String(64), ForeignKey("conversations.id"), primary_key=True),
    Column("address", String(320), nullable=False),
    Column("subject", String(500), nullable=False),
    # In the reply address and subject: joins a reply whose headers were lost.
    Column("token", String(64), nullable=False),
    # Message-IDs of the thread, oldest first: In-Reply-To and References of the next email.
    Column("message_ids", JSON, nullable=False),
    Column("origin", String(16), nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    UniqueConstraint("token", name="uq_email_threads_token"),
)

inbound_emails = Table(
    "inbound_emails",
    metadata,
    Column("message_id", String(255), primary_key=True),
    Column("conversation_id", String(64), ForeignKey("conversations.id"), index=True),
    Column("sender", String(320), nullable=False),
    Column("subject", String(500), nullable=False),
    # started | joined | ignored:<why>
    Column("disposition", String(64), nullable=False),
    Column("received_at", DateTime(timezone=True), nullable=False),
)

email_attachments = Table(
    "email_attachments",
    metadata,
    Column("id", String(64), primary_key=True),
    Column("conversation_id", String(64), ForeignKey("conversations.id"), index=True),
    Column("message_id", String(255), nullable=False),
    Column("filename", String(255), nullable=False),
    Column("content_type", String(127), nullable=False),
    Column("size", Integer, nullable=False),
    Column("content", LargeBinary, nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
)

webhook_endpoints = Table(
    "webhook_endpoints",
    metadata,
    Column("id", String(64), primary_key=True),
    Column("url", String(2000), nullable=False),
    Column("secret", String(128), nullable=False),
    Column("event_types", JSON, nullable=False),
    Column("description", String(200), nullable=False),
    Column("active", Boolean, nullable=False),
    Column("created_by", String(64)),
    Column("created_at", DateTime(timezone=True), nullable=False),
)

webhook_deliveries = Table(
    "webhook_deliveries",
    metadata,
    Column("id", String(64), primary_key=True),
    Column("endpoint_id", String(64), ForeignKey("webhook_endpoints.id"), nullable=False),
    Column("conversation_id", String(64), ForeignKey("conversations.id"), nullable=False),
    # Order within one conversation: a delivery waits for the ones before it.
    Column("position", Integer, nullable=False),
    Column("event_type", String(64), nullable=False),
    Column("payload", JSON, nullable=False),
    Column("status", String(16), nullable=False),
    Column("attempts", Integer, nullable=False),
    Column("next_attempt_at", DateTime(timezone=True), nullable=False),
    Column("lease_until", DateTime(timezone=True)),
    Column("last_status_code", Integer),
    Column("last_error", Text),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("delivered_at", DateTime(timezone=True)),
    UniqueConstraint(
        "endpoint_id", "conversation_id", "position", name="uq_webhook_deliveries_position"
    ),
    Index("ix_webhook_deliveries_due", "status", "next_attempt_at"),
    Index("ix_webhook_deliveries_conversation", "endpoint_id", "conversation_id", "position"),
)

# Failed attempts (identity checks) per scope, for growing delays shared by every process.
# Scopes are stored hashed: they name emails, order numbers and addresses.
failed_attempts = Table(
    "failed_attempts",
    metadata,
    Column("scope_hash", String(64), primary_key=True),
    Column("failures", Integer, nullable=False),
    Column("last_failed_at", Float, nullable=False),  # seconds since the epoch
)
