"""Progress of slow model preparation, reported as log records any front end may show.

Embedding a pack's sentences and articles and training its classifier take a while on the
first start; the steps report through the `relaydesk.preparation` logger so the engine needs
no knowledge of terminals. Each record carries `step`, `done` and `total` as attributes.
"""

from __future__ import annotations

import logging

LOGGER_NAME = "relaydesk.preparation"
# A pack's folder of vectors computed ahead (deterministic), so a first start need not.
PREPARED_DIR = "prepared"
_log = logging.getLogger(LOGGER_NAME)


def report_progress(step: str, done: int, total: int) -> None:
    """`done` of `total` units of `step` are finished (total 0: a step of unknown size)."""
    _log.info("%s: %d/%d", step, done, total, extra={"step": step, "done": done, "total": total})
