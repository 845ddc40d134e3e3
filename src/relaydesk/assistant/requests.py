"""Several requests in one message ("when is my next payment, and what is the late fee?")."""

from __future__ import annotations

import re

from relaydesk.assistant.understanding.sign_off import without_sign_off

# Where one request ends and the next begins: after a question mark, at a semicolon, or at
# a comma followed by "and" in the languages whose customers write this way most.
_BREAK = re.compile(
    r"(?<=[?\uff1f\u061f])\s+|\s*[;\uff1b]\s*"
    r"|,\s*(?:and|also|och|samt|und|sowie|et|en|og|ja|és|și|и|\u0456|ve|dan|và|(?-i:y|e|i|a))\s+",
    re.IGNORECASE,
)
MIN_CHARS = 8  # shorter pieces ("and?", "ok;") are not requests of their own
MAX_REQUESTS = 3


def split_requests(text: str) -> list[str]:
    """The message's separate requests in order; one element when it holds only one. A
    closing name is no request ("When is my payment? - Anna")."""
    pieces = [piece.strip() for piece in _BREAK.split(without_sign_off(text.strip()))]
    requests = [piece for piece in pieces if len(piece) >= MIN_CHARS]
    if len(requests) < 2 or len(requests) > MAX_REQUESTS:
        return [text]
    return requests
