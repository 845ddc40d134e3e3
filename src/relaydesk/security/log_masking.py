"""Personal data never reaches a log: every record is masked as it is created.

A filter on a logger misses records its children propagate, and uvicorn creates its
handlers only after the app is built, so `install_log_masking` wraps the log record factory
instead: every record of every logger passes `PiiLogFilter` once, before any handler.
"""

from __future__ import annotations

import logging
from typing import Any

from relaydesk.security.pii import mask_text

_INSTALLED = "_relaydesk_masks_pii"


class PiiLogFilter(logging.Filter):
    """Masks the formatted message and any exception text of a record; never drops one."""

    def filter(self, record: logging.LogRecord) -> bool:
        if getattr(record, _INSTALLED, False):
            return True
        try:
            message = record.getMessage()
        except (TypeError, ValueError):  # a malformed format: keep what there is
            message = str(record.msg)
        record.msg, record.args = mask_text(message), ()
        if record.exc_info and not record.exc_text:
            record.exc_text = mask_text(logging.Formatter().formatException(record.exc_info))
        if record.stack_info:
            record.stack_info = mask_text(record.stack_info)
        setattr(record, _INSTALLED, True)
        return True


def install_log_masking() -> None:
    """Mask every log record of this process from now on; calling it again changes nothing."""
    factory = logging.getLogRecordFactory()
    if getattr(factory, _INSTALLED, False):
        return
    masking = PiiLogFilter()

    def masked_record(*args: Any, **kwargs: Any) -> logging.LogRecord:
        record = factory(*args, **kwargs)
        masking.filter(record)
        return record

    setattr(masked_record, _INSTALLED, True)
    logging.setLogRecordFactory(masked_record)
