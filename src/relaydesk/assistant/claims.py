"""Outcome statements in free text ("your refund has been approved"), by the tool behind them.

A model's text cannot name the tool it claims, so its claims are read from its words. Core
knows only claims any business shares; a pack declares the ones its own tools make true.
"""

from __future__ import annotations

import re

ClaimPattern = tuple[str, re.Pattern[str]]  # (the tool whose done result backs it, the words)

# "has been ...", "I've ...", "we have just ..." before a past participle
DONE_WORDS = (
    r"(?:has|have)\s+(?:now\s+|already\s+|successfully\s+)?been\s+"
    r"|\b(?:i|we)(?:'ve|\s+have|\s+just)?\s+(?:now\s+|already\s+|successfully\s+)?"
)


def claim(tool: str, pattern: str) -> ClaimPattern:
    """A case-insensitive claim pattern for `tool`."""
    return tool, re.compile(pattern, re.IGNORECASE)


# No tool is called "account_change" or "promise": these claims are never backed, so a model
# that states a change or promises an action is always refused.
GENERIC_CLAIMS: tuple[ClaimPattern, ...] = (
    claim("account_change", rf"(?:{DONE_WORDS})(?:updated|changed|cancell?ed|closed|waived)"),
    claim(
        "promise",
        r"\b(?:i|we)\s*(?:will|'ll|shall|can)\s+(?:\w+\s+)?(?:cancel|waive|forgive|"
        r"refund|remove|write\s+off|postpone|pause|reverse)",
    ),
)
