"""A turn's two writes alone: the customer's message (with its context read) and the turn's events.

Usage: .venv/bin/python bench/store_writes.py [--database-url URL] [--pairs 1500]
       [--turns-per-conversation 30]

Stores a message and then a reply and a tool call keyed as a turn, `--pairs` times, through
ConversationStore, a new conversation every `--turns-per-conversation` pairs (so the history
read grows to 50 events, as the desk's window), on a fresh SQLite file or a fresh schema of
the PostgreSQL database given. Prints the median wall time of each write after a warm-up,
and this process's CPU per pair. Compare two versions by running it with PYTHONPATH set to
each one's `src`, alternated.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from turn_profile import database

from relaydesk.domain.model import EventKind, NewEvent, Source
from relaydesk.store.conversations import ConversationStore
from relaydesk.store.engine import make_engine
from relaydesk.store.migrate import upgrade

HISTORY_WINDOW = 50  # the desk's
WARM_UP_PAIRS = 200

MESSAGE = NewEvent(kind=EventKind.MESSAGE, source=Source.CUSTOMER, text="where is my refund")
TURN = [
    NewEvent(
        kind=EventKind.TOOL_RESULT,
        source=Source.ASSISTANT,
        data={"tool": "refund_status", "ok": True},
    ),
    NewEvent(
        kind=EventKind.MESSAGE,
        source=Source.ASSISTANT,
        text="Your refund of €20.00 was sent on 3 December.",
        data={"intent": "refund_status"},
    ),
]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", help="PostgreSQL; a fresh SQLite file if not given")
    parser.add_argument("--pairs", type=int, default=1500)
    parser.add_argument("--turns-per-conversation", type=int, default=30)
    args = parser.parse_args()
    with database(args.database_url) as url:
        engine = make_engine(url)
        upgrade(engine)
        store = ConversationStore(engine)
        customer = store.ensure_customer(None, "Ann", "en")
        message_ms: list[float] = []
        turn_ms: list[float] = []
        cpu_started = time.process_time()
        for pair in range(args.pairs):
            if pair % args.turns_per_conversation == 0:
                conversation = store.create_conversation(customer.id, "web", "en")
            started = time.perf_counter()
            stored = store.append_customer_message(
                conversation.id, MESSAGE, uuid.uuid4().hex, HISTORY_WINDOW
            )
            message_done = time.perf_counter()
            assert stored is not None
            store.append(
                conversation.id, TURN, idempotency_key=f"turn:{stored.message.id}", language="en"
            )
            message_ms.append((message_done - started) * 1000)
            turn_ms.append((time.perf_counter() - message_done) * 1000)
        cpu = time.process_time() - cpu_started
        engine.dispose()
    print(
        f"{engine.dialect.name}, {args.pairs} pairs: message p50 "
        f"{statistics.median(message_ms[WARM_UP_PAIRS:]):.3f} ms, turn's events p50 "
        f"{statistics.median(turn_ms[WARM_UP_PAIRS:]):.3f} ms, this process's CPU "
        f"{cpu / args.pairs * 1000:.3f} ms a pair"
    )


if __name__ == "__main__":
    main()
