"""What psycopg sends PostgreSQL besides prepared statements, per turn of bench/turn_profile.py.

Usage: .venv/bin/python bench/pg_commands.py --database-url postgresql+psycopg://... \
       [--redis-url URL] [turn_profile.py's other options]

Runs turn_profile.py with psycopg's command sender (BEGIN, COMMIT, ROLLBACK, savepoints)
and its unprepared-query sender (SQLAlchemy's pool ping is the empty query ";") counted,
and prints each one per turn played (the turns asked for and the 30 warm-up turns; the set-up
is included, and a visit may end a turn or two past the count asked for). It
wraps psycopg's private methods, so it measures; it is not part of relaydesk.
"""

from __future__ import annotations

import runpy
import sys
from collections import Counter
from pathlib import Path
from typing import Any

from psycopg import _connection_base, _cursor_base

WARM_UP_TURNS = 30  # turn_profile.py's


def count_commands(counts: Counter[str]) -> None:
    send_command = _connection_base.BaseConnection._exec_command
    send_query = _cursor_base.BaseCursor._execute_send

    def command(self: Any, sql: Any, *args: Any, **kwargs: Any) -> Any:
        text = sql.decode() if isinstance(sql, bytes) else str(sql)
        counts[f"command {text.split(' ISOLATION')[0]}"] += 1
        return send_command(self, sql, *args, **kwargs)

    def query(self: Any, sent: Any, *args: Any, **kwargs: Any) -> Any:
        words = bytes(sent.query).decode().split()
        counts[f"unprepared {words[0].upper() if words else '(empty)'}"] += 1
        return send_query(self, sent, *args, **kwargs)

    _connection_base.BaseConnection._exec_command = command  # type: ignore[method-assign]
    _cursor_base.BaseCursor._execute_send = query  # type: ignore[method-assign]


def main() -> None:
    counts: Counter[str] = Counter()
    count_commands(counts)
    arguments = sys.argv[1:]
    turns = int(arguments[arguments.index("--turns") + 1]) if "--turns" in arguments else 300
    sys.argv = ["turn_profile.py", "--profile", "0", *arguments]
    runpy.run_path(str(Path(__file__).with_name("turn_profile.py")), run_name="__main__")
    played = turns + WARM_UP_TURNS
    for name, count in counts.most_common():
        print(f"{count / played:6.2f} a turn  {name}")


if __name__ == "__main__":
    main()
