"""Cleaning customer text before it is stored."""

from __future__ import annotations

import re

from relaydesk.domain.errors import InvalidInput

# C0/C1 controls except tab and newline: PostgreSQL refuses NUL and none of them are meant.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def clean_message_text(text: str, max_chars: int) -> str:
    """Strip control characters and outer whitespace; refuse empty or over-long text."""
    cleaned = _CONTROL.sub("", text).strip()
    if not cleaned:
        raise InvalidInput("The message is empty.")
    if len(cleaned) > max_chars:
        raise InvalidInput(f"The message is longer than {max_chars} characters.")
    return cleaned
