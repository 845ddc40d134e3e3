"""Only one process reads the mailbox at a time; another takes over when it stops."""

from __future__ import annotations

import pytest

from relaydesk.channels.email.sole_reader import sole_reader
from relaydesk.store.engine import make_engine
from support.services import postgres_schema


@pytest.mark.postgres
def test_a_second_reader_waits_while_the_first_reads_and_takes_over_after() -> None:
    with postgres_schema() as url:
        first, second = make_engine(url), make_engine(url)
        try:
            with sole_reader(first) as first_reads, sole_reader(second) as second_reads:
                assert (first_reads, second_reads) == (True, False)
            with sole_reader(second) as second_reads:
                assert second_reads
        finally:
            first.dispose()
            second.dispose()


def test_on_sqlite_the_only_process_is_the_reader() -> None:
    engine = make_engine("sqlite://")
    try:
        with sole_reader(engine) as reads:
            assert reads
    finally:
        engine.dispose()
