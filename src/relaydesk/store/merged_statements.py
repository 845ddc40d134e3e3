"""The hot path's writes, and on PostgreSQL the same writes merged into one statement each.

A customer's message takes four statements on SQLite: take the seq, insert the message, read
the customer, read the history. A turn's events take two: take their seqs, insert them.
PostgreSQL runs each group as one statement (the UPDATE and the INSERT in data-modifying
CTEs), which saves three round trips and their client-side work on a message and one on a
turn. A statement's snapshot does not see the rows its own CTEs insert, so the message's
history stops before the message, and the caller appends the message it stored. Nor does
it see a write it waited for on the conversation's row (another tab's message): the
caller finds the history short and reads it again.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import (
    Exists,
    Insert,
    Row,
    Select,
    Update,
    and_,
    bindparam,
    exists,
    insert,
    select,
    union_all,
    update,
)

from relaydesk.domain.model import Owner
from relaydesk.store.tables import conversations, customers, events, revoked_conversations

_CUSTOMER_PREFIX = "customer__"  # double: the conversation has a customer_id
_HISTORY_PREFIX = "history__"
_CUSTOMER_NAMES = [column.name for column in customers.c]
_HISTORY_NAMES = [column.name for column in events.c]
# The message's columns given as parameters; its conversation and seq come from the UPDATE.
_MESSAGE_VALUES = [name for name in _HISTORY_NAMES if name not in ("conversation_id", "seq")]


def revoked(conversation_id: Any) -> Exists:
    """Whether the conversation's tokens were revoked (it was erased)."""
    return exists().where(revoked_conversations.c.conversation_id == conversation_id)


def _take_message_seq(refuse_erased: bool) -> Update:
    conditions = [
        conversations.c.id == bindparam("cid"),
        conversations.c.owner != Owner.CLOSED.value,
    ]
    if refuse_erased:
        conditions.append(~revoked(conversations.c.id))
    return (
        update(conversations)
        .where(*conditions)
        .values(last_seq=conversations.c.last_seq + 1, updated_at=bindparam("now"))
        .returning(*conversations.c)
    )


# Built once: building a statement cost about as much CPU as running it on SQLite.
TAKE_MESSAGE_SEQ = {refuse: _take_message_seq(refuse) for refuse in (False, True)}


def _message_in_one(refuse_erased: bool) -> Select[Any]:
    """The seq taken, the message inserted, the customer and the history read, in one."""
    taken = TAKE_MESSAGE_SEQ[refuse_erased].cte("taken")
    stored = insert(events).from_select(
        ["conversation_id", "seq", *_MESSAGE_VALUES],
        select(
            taken.c.id,
            taken.c.last_seq,
            *(bindparam(f"new_{name}", type_=events.c[name].type) for name in _MESSAGE_VALUES),
        ),
    )
    history = events.alias("history")
    in_window = and_(
        history.c.conversation_id == taken.c.id,
        history.c.seq > taken.c.last_seq - bindparam("window") - 1,
    )
    return (
        select(
            taken,
            *(column.label(_CUSTOMER_PREFIX + column.name) for column in customers.c),
            *(column.label(_HISTORY_PREFIX + column.name) for column in history.c),
        )
        .add_cte(stored.cte("stored"))
        .select_from(
            taken.join(customers, customers.c.id == taken.c.customer_id).outerjoin(
                history, in_window
            )
        )
        .order_by(history.c.seq)
    )


MESSAGE_IN_ONE = {refuse: _message_in_one(refuse) for refuse in (False, True)}


def message_parameters(row: dict[str, Any], window: int, now: Any) -> dict[str, Any]:
    """MESSAGE_IN_ONE's parameters for the event row to insert (its seq and conversation
    come from the statement)."""
    inserted = {f"new_{name}": row[name] for name in _MESSAGE_VALUES}
    return {**inserted, "cid": row["conversation_id"], "now": now, "window": window}


@dataclass(frozen=True)
class MessageContext:
    """MESSAGE_IN_ONE's rows, split into the conversation, its customer and its history."""

    conversation: Row[Any]
    customer: dict[str, Any]
    history: list[dict[str, Any]]


def split_rows(rows: Sequence[Row[Any]]) -> MessageContext | None:
    """None when no seq was taken (the conversation is closed, erased or missing)."""
    if not rows:
        return None
    # By position: the conversation's columns, the customer's, then the history's.
    conversation_end = len(conversations.c)
    history_start = conversation_end + len(customers.c)
    first = rows[0]
    customer = dict(zip(_CUSTOMER_NAMES, first[conversation_end:history_start], strict=True))
    history = [
        dict(zip(_HISTORY_NAMES, row[history_start:], strict=True))
        for row in rows
        if row[history_start] is not None  # the outer join's row of no history
    ]
    return MessageContext(first, customer, history)


def _take_seqs(in_language: bool) -> Update:
    taking = (
        update(conversations)
        .where(conversations.c.id == bindparam("cid"))
        .values(last_seq=conversations.c.last_seq + bindparam("count"), updated_at=bindparam("now"))
        .returning(conversations.c.last_seq)
    )
    return taking.values(language=bindparam("new_language")) if in_language else taking


TAKE_SEQS = {in_language: _take_seqs(in_language) for in_language in (False, True)}
# More events than this (an import, not a turn) go in two statements: one statement per
# count is built and kept.
MOST_EVENTS_IN_ONE = 8
_EVENT_VALUES = [column for column in events.c if column.name != "seq"]


@functools.cache
def events_in_one(count: int, in_language: bool) -> Insert:
    """The seqs taken and `count` events inserted with them, in one; returns their seqs."""
    taken = TAKE_SEQS[in_language].cte("taken")
    rows = [
        select(
            *(bindparam(f"{column.name}_{offset}", type_=column.type) for column in _EVENT_VALUES),
            taken.c.last_seq - (count - 1 - offset),
        )
        for offset in range(count)
    ]
    names = [column.name for column in _EVENT_VALUES] + ["seq"]
    return insert(events).from_select(names, union_all(*rows)).returning(events.c.seq)


def events_parameters(rows: Sequence[dict[str, Any]]) -> dict[str, Any]:
    """events_in_one's parameters for the event rows (their seqs come from the statement)."""
    return {
        f"{column.name}_{offset}": row[column.name]
        for offset, row in enumerate(rows)
        for column in _EVENT_VALUES
    }
