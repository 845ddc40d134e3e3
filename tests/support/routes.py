"""Helpers for requests a browser test holds back with Playwright's page.route."""

from __future__ import annotations

from typing import Any


def wait_until_held(page: Any, held: list[Any], timeout_ms: int = 10_000) -> None:
    """Route handlers run only while Playwright waits; a loaded machine needs more than a blink."""
    for _ in range(timeout_ms // 50):
        if held:
            return
        page.wait_for_timeout(50)
