"""Moving a simulated conversation's timestamps from real time onto the simulated week.

The server stores `created_at = now` for everything; the simulator runs a week of traffic
in minutes. For each simulated conversation it kept anchors (real time a call was made,
simulated time it stands for). Every stored time t of that conversation becomes
`sim_k + (t - real_k)` for the last anchor k at or before t: durations inside a call (the
assistant's turn latency, an escalation's queue notice) stay as measured, the gaps between
calls become the simulated gaps (think time, queue wait, handle time). Nothing else moves.
"""

from __future__ import annotations

import bisect
from collections.abc import Iterable, Mapping, Sequence
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Column, Connection, Engine, Table, bindparam, select, update

from relaydesk.store.tables import approvals, conversations, events, queue_entries

Anchors = Sequence[tuple[datetime, datetime]]
CHUNK = 500


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def simulated_time(anchors: Anchors, moment: datetime) -> datetime:
    """Where a real moment lands on the simulated clock (pure)."""
    moment = _aware(moment)
    reals = [real for real, _sim in anchors]
    index = max(0, bisect.bisect_right(reals, moment) - 1)
    real, simulated = anchors[index]
    return simulated + (moment - real)


def _retime_rows(
    conn: Connection,
    table: Table,
    key: Column[Any],
    columns: Iterable[str],
    anchors_by_conversation: Mapping[str, Anchors],
) -> int:
    """Rewrite the time columns of a table's rows that belong to the simulated conversations."""
    names = list(columns)
    ids = list(anchors_by_conversation)
    changes: list[dict[str, Any]] = []
    for start in range(0, len(ids), CHUNK):
        rows = conn.execute(
            select(key, table.c.conversation_id, *(table.c[n] for n in names)).where(
                table.c.conversation_id.in_(ids[start : start + CHUNK])
            )
        ).all()
        for row in rows:
            anchors = anchors_by_conversation[row.conversation_id]
            change = {"b_key": row[0]}
            for name in names:
                value = getattr(row, name)
                change[f"b_{name}"] = None if value is None else simulated_time(anchors, value)
            changes.append(change)
    if changes:
        statement = (
            update(table)
            .where(key == bindparam("b_key"))
            .values({name: bindparam(f"b_{name}") for name in names})
        )
        conn.execute(statement, changes)
    return len(changes)


def retime(engine: Engine, anchors_by_conversation: Mapping[str, Anchors]) -> int:
    """Move every stored time of these conversations onto the simulated clock; one transaction.

    Returns how many events moved.
    """
    wanted = {cid: anchors for cid, anchors in anchors_by_conversation.items() if anchors}
    if not wanted:
        return 0
    with engine.begin() as conn:
        moved = _retime_rows(conn, events, events.c.id, ["created_at"], wanted)
        _retime_rows(conn, approvals, approvals.c.id, ["created_at", "decided_at"], wanted)
        _retime_rows(
            conn,
            queue_entries,
            queue_entries.c.id,
            ["enqueued_at", "assigned_at", "left_at"],
            wanted,
        )
        _retime_conversations(conn, wanted)
    return moved


def _retime_conversations(conn: Connection, wanted: Mapping[str, Anchors]) -> None:
    ids = list(wanted)
    changes = []
    for start in range(0, len(ids), CHUNK):
        rows = conn.execute(
            select(
                conversations.c.id, conversations.c.created_at, conversations.c.updated_at
            ).where(conversations.c.id.in_(ids[start : start + CHUNK]))
        ).all()
        for row in rows:
            anchors = wanted[row.id]
            changes.append(
                {
                    "b_key": row.id,
                    "b_created_at": simulated_time(anchors, row.created_at),
                    "b_updated_at": simulated_time(anchors, row.updated_at),
                }
            )
    if changes:
        conn.execute(
            update(conversations)
            .where(conversations.c.id == bindparam("b_key"))
            .values(created_at=bindparam("b_created_at"), updated_at=bindparam("b_updated_at")),
            changes,
        )
