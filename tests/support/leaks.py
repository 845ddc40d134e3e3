"""A pytest plugin that blames an unclosed connection on the test that leaked it.

An open database connection that is garbage-collected emits a ResourceWarning from its
finaliser, which the suite turns into an error; left to chance, the collector runs during
some later test, which then fails for nothing it did. Collecting after every test reports
the leak where it happens. Freezing what survives keeps that cheap: each collection scans
only the objects made since the previous test.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator

import pytest


@pytest.fixture(autouse=True)
def collect_leaks_after_each_test() -> Iterator[None]:
    yield
    gc.collect()
    gc.freeze()
