"""A connection a test leaves open fails that test, not whichever test runs next."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from support.services import POSTGRES_URL, require_postgres

LEAKY_TESTS = '''
import psycopg

def test_that_leaks_a_connection():
    # held in a reference cycle, as a pool holds its connections: only the collector frees it
    holder = {{}}
    holder["self"], holder["connection"] = holder, psycopg.connect({url!r})

def test_that_runs_after_it():
    assert True
'''


def test_a_leaked_postgres_connection_is_an_error_of_the_test_that_leaked_it(
    tmp_path: Path,
) -> None:
    require_postgres()
    url = POSTGRES_URL.replace("postgresql+psycopg://", "postgresql://")
    (tmp_path / "test_leaky.py").write_text(LEAKY_TESTS.format(url=url))
    tests_dir = Path(__file__).resolve().parents[1]
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "support.leaks", "-W", "error",
         "-o", "addopts=", str(tmp_path / "test_leaky.py")],
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
