"""The conversation store: customers, conversations and their append-only events."""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    Connection,
    Engine,
    Row,
    RowMapping,
    Select,
    bindparam,
    func,
    insert,
    select,
    update,
)
from sqlalchemy.exc import IntegrityError

from relaydesk.domain.errors import Conflict, ConversationErased, NotFound
from relaydesk.domain.model import (
    AgentId,
    Conversation,
    ConversationId,
    Customer,
    CustomerId,
    Event,
    EventId,
    EventKind,
    NewEvent,
    Owner,
    Source,
)
from relaydesk.domain.ownership import OwnerChange
from relaydesk.sql import reading
from relaydesk.store.hooks import (
    AppendHook,
    CloseHook,
    hooks_write_nothing,
    one_statement_write,
    run_append_hooks,
)
from relaydesk.store.merged_statements import (
    MESSAGE_IN_ONE,
    MOST_EVENTS_IN_ONE,
    TAKE_MESSAGE_SEQ,
    TAKE_SEQS,
    events_in_one,
    events_parameters,
    message_parameters,
    revoked,
    split_rows,
)
from relaydesk.store.tables import conversations, customers, events


def new_id(prefix: str) -> str:
    return f"{prefix}_{uuid.uuid4().hex}"


def utcnow() -> datetime:
    return datetime.now(UTC)


def _aware(moment: datetime) -> datetime:
    # SQLite hands back naive datetimes; everything we store is UTC.
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _to_conversation(row: Row[Any]) -> Conversation:
    return Conversation(
        id=ConversationId(row.id),
        customer_id=CustomerId(row.customer_id),
        owner=Owner(row.owner),
        language=row.language,
        channel=row.channel,
        agent_id=AgentId(row.agent_id) if row.agent_id else None,
        version=row.version,
        created_at=_aware(row.created_at),
        last_seq=row.last_seq,
    )


def _to_customer(row: Mapping[str, Any] | RowMapping) -> Customer:
    return Customer(
        CustomerId(row["id"]), row["display_name"], row["language"], row["external_ref"]
    )


def _to_event(row: Mapping[str, Any] | RowMapping) -> Event:
    return Event(
        id=EventId(row["id"]),
        conversation_id=ConversationId(row["conversation_id"]),
        seq=row["seq"],
        kind=EventKind.stored(row["kind"], row["data"]),
        source=Source(row["source"]),
        created_at=_aware(row["created_at"]),
        text=row["text"],
        data=dict(row["data"] or {}),
        caused_by=EventId(row["caused_by"]) if row["caused_by"] else None,
        actor_id=row["actor_id"],
    )


def _ensure_customer(
    conn: Connection, external_ref: str | None, display_name: str, language: str | None
) -> Customer:
    if external_ref is None:
        return _insert_customer(conn, None, display_name, language)
    found = _customer_by_ref(conn, external_ref)
    if found is not None:
        return found
    try:
        # Two first visits at once (two tabs, two workers): on PostgreSQL neither sees the
        # other's row until it commits, and the later insert meets the unique reference.
        with conn.begin_nested():
            return _insert_customer(conn, external_ref, display_name, language)
    except IntegrityError:
        found = _customer_by_ref(conn, external_ref)
        if found is None:
            raise
        return found


def _customer_by_ref(conn: Connection, external_ref: str) -> Customer | None:
    row = conn.execute(select(customers).where(customers.c.external_ref == external_ref)).first()
    return _to_customer(row._mapping) if row is not None else None


def _insert_customer(
    conn: Connection, external_ref: str | None, display_name: str, language: str | None
) -> Customer:
    customer_id = new_id("cus")
    conn.execute(
        insert(customers).values(
            id=customer_id,
            display_name=display_name,
            language=language,
            external_ref=external_ref,
            created_at=utcnow(),
        )
    )
    return Customer(CustomerId(customer_id), display_name, language, external_ref)


def _insert_conversation(
    conn: Connection, customer_id: CustomerId, channel: str, language: str | None
) -> Conversation:
    now = utcnow()
    conversation = Conversation(
        id=ConversationId(new_id("conv")),
        customer_id=customer_id,
        owner=Owner.ASSISTANT,
        language=language,
        channel=channel,
        agent_id=None,
        version=0,
        created_at=now,
        last_seq=0,
    )
    conn.execute(
        insert(conversations).values(
            id=conversation.id,
            customer_id=customer_id,
            owner=conversation.owner.value,
            language=language,
            channel=channel,
            agent_id=None,
            version=0,
            last_seq=0,
            created_at=now,
            updated_at=now,
        )
    )
    return conversation


def conversation_closed(conn: Connection, conversation_id: str) -> bool:
    """Whether the conversation is closed, its row locked for reading first, as a close locks
    it: a close committing meanwhile either waits for this transaction or sees its changes.
    Whatever settles an outgoing message (an email, a webhook delivery) asks this to mask it
    when it settles after the close."""
    owner = conn.execute(
        select(conversations.c.owner)
        .where(conversations.c.id == conversation_id)
        .with_for_update(read=True)
    ).scalar()
    return owner == Owner.CLOSED.value


class DuplicateKey(Exception):
    """An append whose idempotency key was already used in this conversation."""


@dataclass(frozen=True)
class StoredMessage:
    """A customer's message just stored, with what the assistant's turn on it reads."""

    message: Event
    conversation: Conversation
    customer: Customer
    history: list[Event]  # the newest events up to and including the message


def _seqs_parameters(
    conversation_id: ConversationId, count: int, language: str | None
) -> dict[str, Any]:
    taken = {"cid": conversation_id, "count": count, "now": utcnow()}
    return taken if language is None else {**taken, "new_language": language}


def _event_rows(
    conversation_id: ConversationId,
    new_events: Sequence[NewEvent],
    idempotency_key: str | None,
    caused_by: EventId | None,
    last_seq: int,
    now: datetime | None = None,
) -> list[dict[str, Any]]:
    """The events' rows, with the seqs up to `last_seq`; the key lands on the first."""
    first_seq = last_seq - len(new_events) + 1
    created_at = now or utcnow()
    return [
        {
            "id": new_id("evt"),
            "conversation_id": conversation_id,
            "seq": first_seq + offset,
            "kind": item.kind.value,
            "source": item.source.value,
            "text": item.text,
            "data": item.data,
            "caused_by": caused_by,
            "actor_id": item.actor_id,
            "idempotency_key": idempotency_key if offset == 0 else None,
            "created_at": created_at,
        }
        for offset, item in enumerate(new_events)
    ]


class ConversationStore:
    """Repository over relaydesk's own tables; every method is one transaction."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        # PostgreSQL merges a message's statements, and a turn's, into one each (merged_statements)
        self._one_statement = engine.dialect.name == "postgresql"
        self.append_hooks: list[AppendHook] = []
        self.close_hooks: list[CloseHook] = []

    def ensure_customer(
        self, external_ref: str | None, display_name: str, language: str | None
    ) -> Customer:
        """Find the customer with this external reference, or create one."""
        with self.engine.begin() as conn:
            return _ensure_customer(conn, external_ref, display_name, language)

    def open_conversation(
        self, external_ref: str | None, display_name: str, language: str | None, channel: str
    ) -> Conversation:
        """Find or create the customer and open a conversation for them, in one transaction."""
        with self.engine.begin() as conn:
            customer = _ensure_customer(conn, external_ref, display_name, language)
            return _insert_conversation(conn, customer.id, channel, language)

    def get_customer(self, customer_id: CustomerId) -> Customer:
        with reading(self.engine) as conn:
            row = conn.execute(select(customers).where(customers.c.id == customer_id)).first()
        if row is None:
            raise NotFound("No such customer.")
        return _to_customer(row._mapping)

    def create_conversation(
        self, customer_id: CustomerId, channel: str, language: str | None
    ) -> Conversation:
        with self.engine.begin() as conn:
            return _insert_conversation(conn, customer_id, channel, language)

    def get_conversation(self, conversation_id: ConversationId) -> Conversation:
        with reading(self.engine) as conn:
            return self._get(conn, conversation_id)

    def _get(self, conn: Connection, conversation_id: ConversationId) -> Conversation:
        row = conn.execute(
            select(conversations).where(conversations.c.id == conversation_id)
        ).first()
        if row is None:
            raise NotFound("No such conversation.")
        return _to_conversation(row)

    def append(
        self,
        conversation_id: ConversationId,
        new_events: Sequence[NewEvent],
        *,
        idempotency_key: str | None = None,
        caused_by: EventId | None = None,
        owner_change: tuple[OwnerChange, int] | None = None,
        agent_id: AgentId | None = None,
        language: str | None = None,
    ) -> list[Event]:
        """Append events atomically; optionally apply an owner change as a compare-and-set.

        The idempotency key lands on the first event; reusing it raises DuplicateKey and
        stores nothing. `owner_change` is (change, expected_version).
        """
        try:
            one = bool(new_events) and owner_change is None and self._in_one(new_events)
            with one_statement_write(self.engine, one and self._hooks_quiet(new_events)) as conn:
                stored: list[Event] = []
                if not new_events:
                    self._change_conversation(
                        conn, conversation_id, owner_change, agent_id, language
                    )
                elif one:
                    stored = self._insert_in_one(
                        conn, conversation_id, new_events, idempotency_key, caused_by, language
                    )
                else:
                    # One UPDATE takes the seqs, the owner change and the language together.
                    last_seq = self._take_seqs(
                        conn, conversation_id, len(new_events), owner_change, agent_id, language
                    )
                    stored = self._insert_events(
                        conn, conversation_id, new_events, idempotency_key, caused_by, last_seq
                    )
                self._run_close_hooks(conn, conversation_id, owner_change)
                return stored
        except IntegrityError as error:
            if idempotency_key is not None and self.find_by_key(conversation_id, idempotency_key):
                raise DuplicateKey(idempotency_key) from error
            raise

    def append_customer_message(
        self,
        conversation_id: ConversationId,
        message: NewEvent,
        idempotency_key: str,
        history_window: int,
        refuse_erased: bool = False,
    ) -> StoredMessage | None:
        """Store a customer's message and read its turn's context in one transaction.

        None when the conversation is closed (the caller reopens it first) or does not
        exist; DuplicateKey when the key was used already, storing nothing. With
        `refuse_erased`, ConversationErased for an erased conversation, checked in the same
        transaction (a customer's token: no transaction of its own for the check).
        """
        try:
            quiet = self._one_statement and self._hooks_quiet([message])
            with one_statement_write(self.engine, quiet) as conn:
                store = self._message_in_one if self._one_statement else self._message_in_four
                return store(
                    conn, conversation_id, message, idempotency_key, history_window, refuse_erased
                )
        except IntegrityError as error:
            if self.find_by_key(conversation_id, idempotency_key):
                raise DuplicateKey(idempotency_key) from error
            raise

    def _message_in_four(
        self,
        conn: Connection,
        conversation_id: ConversationId,
        message: NewEvent,
        idempotency_key: str,
        history_window: int,
        refuse_erased: bool,
    ) -> StoredMessage | None:
        row = conn.execute(
            TAKE_MESSAGE_SEQ[refuse_erased], {"cid": conversation_id, "now": utcnow()}
        ).first()
        if row is None:
            self._refuse_if_erased(conn, conversation_id, refuse_erased)
            return None
        (stored,) = self._insert_events(
            conn, conversation_id, [message], idempotency_key, None, row.last_seq
        )
        customer = conn.execute(_CUSTOMER, {"customer": row.customer_id}).one()
        after = max(0, row.last_seq - history_window - 1)
        history = conn.execute(_EVENTS_AFTER, {"cid": conversation_id, "after": after}).all()
        return StoredMessage(
            message=stored,
            conversation=_to_conversation(row),
            customer=_to_customer(customer._mapping),
            history=[_to_event(past._mapping) for past in history],
        )

    def _message_in_one(
        self,
        conn: Connection,
        conversation_id: ConversationId,
        message: NewEvent,
        idempotency_key: str,
        history_window: int,
        refuse_erased: bool,
    ) -> StoredMessage | None:
        now = utcnow()
        (row,) = _event_rows(conversation_id, [message], idempotency_key, None, 0, now)
        parameters = message_parameters(row, history_window, now)
        found = split_rows(conn.execute(MESSAGE_IN_ONE[refuse_erased], parameters).all())
        if found is None:
            self._refuse_if_erased(conn, conversation_id, refuse_erased)
            return None
        last_seq = found.conversation.last_seq
        stored = _to_event({**row, "seq": last_seq})
        self._run_append_hooks(conn, [stored])
        if len(found.history) < min(history_window, last_seq - 1):
            # The statement waited for another write on the conversation's row, and its
            # snapshot, older, missed that write's events: read them now (seqs have no gaps).
            after = max(0, last_seq - history_window - 1)
            rows = conn.execute(_EVENTS_AFTER, {"cid": conversation_id, "after": after}).all()
            history = [_to_event(past._mapping) for past in rows]
        else:
            history = [*map(_to_event, found.history), stored]
        return StoredMessage(
            message=stored,
            conversation=_to_conversation(found.conversation),
            customer=_to_customer(found.customer),
            history=history,
        )

    def _refuse_if_erased(
        self, conn: Connection, conversation_id: ConversationId, refuse_erased: bool
    ) -> None:
        if refuse_erased and conn.scalar(select(revoked(conversation_id))):
            raise ConversationErased()

    def _hooks_quiet(self, new_events: Sequence[NewEvent]) -> bool:
        return hooks_write_nothing(self.append_hooks, new_events)

    def _in_one(self, new_events: Sequence[NewEvent]) -> bool:
        return self._one_statement and len(new_events) <= MOST_EVENTS_IN_ONE

    def _insert_in_one(
        self,
        conn: Connection,
        conversation_id: ConversationId,
        new_events: Sequence[NewEvent],
        idempotency_key: str | None,
        caused_by: EventId | None,
        language: str | None,
    ) -> list[Event]:
        """The seqs taken and the events inserted in one statement (PostgreSQL)."""
        rows = _event_rows(conversation_id, new_events, idempotency_key, caused_by, 0)
        parameters = {
            **_seqs_parameters(conversation_id, len(rows), language),
            **events_parameters(rows),
        }
        statement = events_in_one(len(rows), language is not None)
        seqs = sorted(conn.execute(statement, parameters).scalars())
        if not seqs:
            raise NotFound("No such conversation.")
        stored = [_to_event({**row, "seq": seq}) for row, seq in zip(rows, seqs, strict=True)]
        self._run_append_hooks(conn, stored)
        return stored

    def _take_seqs(
        self,
        conn: Connection,
        conversation_id: ConversationId,
        count: int,
        owner_change: tuple[OwnerChange, int] | None,
        agent_id: AgentId | None,
        language: str | None,
    ) -> int:
        """Bump last_seq by `count` (the row lock keeps concurrent seqs distinct), applying
        the owner change as a compare-and-set and the language; the new last_seq."""
        if owner_change is None:  # the common case, built once
            taken = _seqs_parameters(conversation_id, count, language)
            last_seq = conn.execute(TAKE_SEQS[language is not None], taken).scalar()
            if last_seq is None:
                raise NotFound("No such conversation.")
            return int(last_seq)
        change, expected_version = owner_change
        values: dict[str, Any] = {
            "last_seq": conversations.c.last_seq + count,
            "updated_at": utcnow(),
            "owner": change.after.value,
            "agent_id": agent_id if change.after is Owner.AGENT else None,
            "version": conversations.c.version + 1,
        }
        if language is not None:
            values["language"] = language
        last_seq = conn.execute(
            update(conversations)
            .where(
                conversations.c.id == conversation_id,
                conversations.c.version == expected_version,
                conversations.c.owner == change.before.value,
            )
            .values(**values)
            .returning(conversations.c.last_seq)
        ).scalar_one_or_none()
        if last_seq is None:
            self._get(conn, conversation_id)  # NotFound when it does not exist at all
            raise Conflict("The conversation changed hands meanwhile; nothing was done.")
        return int(last_seq)

    def _run_close_hooks(
        self,
        conn: Connection,
        conversation_id: ConversationId,
        owner_change: tuple[OwnerChange, int] | None,
    ) -> None:
        if owner_change is not None and owner_change[0].after is Owner.CLOSED:
            for hook in self.close_hooks:
                hook(conn, conversation_id)

    def _change_conversation(
        self,
        conn: Connection,
        conversation_id: ConversationId,
        owner_change: tuple[OwnerChange, int] | None,
        agent_id: AgentId | None,
        language: str | None,
    ) -> None:
        if owner_change is not None:
            self._change_owner(conn, conversation_id, *owner_change, agent_id)
        if language is not None:
            conn.execute(
                update(conversations)
                .where(conversations.c.id == conversation_id)
                .values(language=language)
            )

    def _change_owner(
        self,
        conn: Connection,
        conversation_id: ConversationId,
        change: OwnerChange,
        expected_version: int,
        agent_id: AgentId | None,
    ) -> None:
        result = conn.execute(
            update(conversations)
            .where(
                conversations.c.id == conversation_id,
                conversations.c.version == expected_version,
                conversations.c.owner == change.before.value,
            )
            .values(
                owner=change.after.value,
                agent_id=agent_id if change.after is Owner.AGENT else None,
                version=conversations.c.version + 1,
                updated_at=utcnow(),
            )
        )
        if result.rowcount != 1:
            raise Conflict("The conversation changed hands meanwhile; nothing was done.")

    def _insert_events(
        self,
        conn: Connection,
        conversation_id: ConversationId,
        new_events: Sequence[NewEvent],
        idempotency_key: str | None,
        caused_by: EventId | None,
        last_seq: int,
    ) -> list[Event]:
        """Insert the events with the seqs up to `last_seq`, already taken."""
        rows = _event_rows(conversation_id, new_events, idempotency_key, caused_by, last_seq)
        conn.execute(insert(events), rows)
        stored = [_to_event(row) for row in rows]
        self._run_append_hooks(conn, stored)
        return stored

    def _run_append_hooks(self, conn: Connection, stored: Sequence[Event]) -> None:
        run_append_hooks(conn, self.append_hooks, stored)

    def find_by_key(self, conversation_id: ConversationId, key: str) -> Event | None:
        with reading(self.engine) as conn:
            row = conn.execute(
                select(events).where(
                    events.c.conversation_id == conversation_id, events.c.idempotency_key == key
                )
            ).first()
        return _to_event(row._mapping) if row is not None else None

    def events_after(
        self, conversation_id: ConversationId, cursor: int, limit: int = 500
    ) -> list[Event]:
        """Events with seq greater than `cursor`, oldest first."""
        with reading(self.engine) as conn:
            self._get(conn, conversation_id)
            rows = conn.execute(
                select(events)
                .where(events.c.conversation_id == conversation_id, events.c.seq > cursor)
                .order_by(events.c.seq)
                .limit(limit)
            ).all()
        return [_to_event(row._mapping) for row in rows]

    def events_caused_by(self, event_id: EventId) -> list[Event]:
        with reading(self.engine) as conn:
            rows = conn.execute(
                select(events).where(events.c.caused_by == event_id).order_by(events.c.seq)
            ).all()
        return [_to_event(row._mapping) for row in rows]

    def count_events(self, conversation_id: ConversationId) -> int:
        with reading(self.engine) as conn:
            return int(
                conn.execute(
                    select(func.count())
                    .select_from(events)
                    .where(events.c.conversation_id == conversation_id)
                ).scalar_one()
            )

    def count_owned_by(self, owner: Owner) -> int:
        """How many conversations this owner holds (the queue's length, for Owner.QUEUED)."""
        with reading(self.engine) as conn:
            counted = select(func.count()).select_from(conversations)
            found = conn.execute(counted.where(conversations.c.owner == owner.value)).scalar_one()
        return int(found)


# The hot path's statements, built once: building one cost about as much CPU as running it
# on SQLite, and a built statement keeps its cache key.
_CUSTOMER: Select[Any] = select(customers).where(customers.c.id == bindparam("customer"))
_EVENTS_AFTER: Select[Any] = (
    select(events)
    .where(events.c.conversation_id == bindparam("cid"), events.c.seq > bindparam("after"))
    .order_by(events.c.seq)
)
