"""What runs in an append's transaction, and when a one-statement write needs no transaction.

An append hook queues what an event causes (an email, a webhook delivery) atomically with
it. On PostgreSQL a message and a turn's events are each one statement
(`merged_statements`); when every hook says beforehand that it will write nothing for the
events, that statement runs on its own (autocommit) and commits alone, as durably as in a
transaction, without psycopg's `BEGIN` and the `COMMIT`: two round trips fewer a write.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator, Sequence
from typing import Protocol, runtime_checkable

from sqlalchemy import Connection, Engine

from relaydesk.domain.model import ConversationId, Event, NewEvent

# Runs inside the append's transaction: what an event causes (an email, a webhook delivery)
# is queued atomically with it, so neither is lost nor exists without the other.
AppendHook = Callable[[Connection, Sequence[Event]], None]
# Run in the transaction that closes a conversation, after its events are written.
CloseHook = Callable[[Connection, ConversationId], None]

_HOOKS_SKIPPED = "relaydesk_hooks_skipped"


@runtime_checkable
class QuietHook(Protocol):
    """An append hook that can tell, before the events are stored, that it will write
    nothing for them; a hook without this method may always write."""

    def writes_nothing_for(self, new_events: Sequence[NewEvent]) -> bool: ...


def hooks_write_nothing(hooks: Sequence[AppendHook], new_events: Sequence[NewEvent]) -> bool:
    return all(
        isinstance(hook, QuietHook) and hook.writes_nothing_for(new_events) for hook in hooks
    )


@contextlib.contextmanager
def one_statement_write(engine: Engine, hooks_skipped: bool) -> Iterator[Connection]:
    """A transaction, or with `hooks_skipped` (PostgreSQL, every hook quiet) a connection in
    autocommit whose single write commits alone; the hooks are then not run at all, so a
    hook's change of mind after the check (a webhook subscribed meanwhile) cannot write
    outside the event's transaction."""
    if not hooks_skipped:
        with engine.begin() as conn:
            yield conn
        return
    options = {"isolation_level": "AUTOCOMMIT", _HOOKS_SKIPPED: True}
    with engine.connect().execution_options(**options) as conn:
        yield conn
        conn.commit()  # nothing is sent: each statement committed already


def run_append_hooks(
    conn: Connection, hooks: Sequence[AppendHook], stored: Sequence[Event]
) -> None:
    if conn.get_execution_options().get(_HOOKS_SKIPPED):
        return
    for hook in hooks:
        hook(conn, stored)
