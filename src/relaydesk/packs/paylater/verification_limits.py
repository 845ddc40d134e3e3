"""Growing delays for anonymous identity checks: per conversation, address and target account.

A visitor proves who they are with an email and one of that customer's order numbers. A
guesser spreads guesses over conversations and addresses, so every failed check counts
under each scope it touches: the conversation, the client's address, the email and the
order number tried. After a few failures under any of them, checks touching it wait,
30 s doubling to an hour from the last failure; while they wait even the right pair is
refused, and the visitor hears the same "that didn't match" as for a wrong pair.

The counts are relaydesk's shared ones (`ToolContext.attempts`, in the database, so every
server process sees them); a call made outside a conversation (a script, a test) uses the
in-process counts the pack's deps carry.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from relaydesk.tools import ToolContext
from relaydesk.tools.attempts import AttemptLimits, AttemptScope, MemoryAttempts

ACCOUNT_FREE_FAILURES = 3  # per email and per order number, across conversations
CONVERSATION_FREE_FAILURES = 3
# An office or a mobile carrier puts many honest customers behind one address.
ADDRESS_FREE_FAILURES = 10


class VerificationLimits:
    """Which scopes a check counts under, and the counts it consults."""

    def __init__(self, clock: Callable[[], float] = time.time) -> None:
        self.clock = clock
        self.local: AttemptLimits = MemoryAttempts()

    def counts(self, ctx: ToolContext[Any]) -> AttemptLimits:
        return ctx.attempts if ctx.attempts is not None else self.local

    @staticmethod
    def account_scopes(email: str, order_id: str) -> list[AttemptScope]:
        return [
            AttemptScope(f"verify:email:{email.strip().lower()}", ACCOUNT_FREE_FAILURES),
            AttemptScope(f"verify:order:{order_id.strip().upper()}", ACCOUNT_FREE_FAILURES),
        ]

    def scopes(self, ctx: ToolContext[Any], email: str, order_id: str) -> list[AttemptScope]:
        scopes = self.account_scopes(email, order_id)
        if ctx.conversation_id:
            key = f"verify:conversation:{ctx.conversation_id}"
            scopes.append(AttemptScope(key, CONVERSATION_FREE_FAILURES))
        if ctx.client_address:
            key = f"verify:address:{ctx.client_address}"
            scopes.append(AttemptScope(key, ADDRESS_FREE_FAILURES))
        return scopes

    def wait_s(self, ctx: ToolContext[Any], email: str, order_id: str) -> float:
        """Seconds before this check may run (0: now)."""
        return self.counts(ctx).wait_s(self.scopes(ctx, email, order_id), self.clock())

    def failed(self, ctx: ToolContext[Any], email: str, order_id: str) -> None:
        self.counts(ctx).failed(self.scopes(ctx, email, order_id), self.clock())

    def succeeded(self, ctx: ToolContext[Any], email: str, order_id: str) -> None:
        # Only the account's counts: a guesser who knows one real pair must not be able
        # to wipe their own address's or conversation's record with it.
        self.counts(ctx).succeeded(self.account_scopes(email, order_id))
