"""A connection a test leaves open fails that test, not whichever test runs next."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import text

from relaydesk.store.engine import dispose_for_good, make_engine
from support.services import POSTGRES_URL, require_postgres

LEAKY_TESTS = """
import psycopg

def test_that_leaks_a_connection():
    # held in a reference cycle, as a pool holds its connections: only the collector frees it
    holder = {{}}
    holder["self"], holder["connection"] = holder, psycopg.connect({url!r})

def test_that_runs_after_it():
    assert True
"""


def test_a_leaked_postgres_connection_is_an_error_of_the_test_that_leaked_it(
    tmp_path: Path,
) -> None:
    require_postgres()
    url = POSTGRES_URL.replace("postgresql+psycopg://", "postgresql://")
    (tmp_path / "test_leaky.py").write_text(LEAKY_TESTS.format(url=url))
    tests_dir = Path(__file__).resolve().parents[1]
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-q",
            "-p",
            "support.leaks",
            "-W",
            "error",
            "-o",
            "addopts=",
            str(tmp_path / "test_leaky.py"),
        ],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env={**os.environ, "PYTHONPATH": str(tests_dir)},
        timeout=120,
    )
    assert result.returncode == 1, result.stdout + result.stderr
    assert "ERROR test_leaky.py::test_that_leaks_a_connection" in result.stdout, result.stdout
    assert "BaseConnection.__del__" in result.stdout
    assert "2 passed, 1 error" in result.stdout  # the test itself passed; its teardown did not


@pytest.mark.parametrize("for_good", [False, True], ids=["dispose", "dispose_for_good"])
def test_a_connection_returned_after_the_app_stopped_is_closed_only_when_disposed_for_good(
    for_good: bool,
) -> None:
    require_postgres()
    engine = make_engine(POSTGRES_URL)
    late = engine.connect()  # a thread's connection, still out when the app stops
    late.execute(text("SELECT 1"))
    raw = late.connection.dbapi_connection
    if for_good:
        dispose_for_good(engine)
    else:
        engine.dispose()
    late.close()  # the thread ends and returns it to the pool it came from
    assert raw is not None
    assert raw.closed is for_good
    raw.close()  # the plain dispose's connection: closed here, so no warning follows
