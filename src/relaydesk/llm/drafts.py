"""Partial answers shown while the model writes: transient, checked sentence by sentence.

The store keeps only the final guarded reply. While the model streams, each time a sentence
completes, the prefix written so far is checked (links, outcome claims, numbers, leaks) and,
if clean, published on the bus as a draft notification for the conversation; a later
rejection publishes a retraction, and the deterministic reply is what gets stored.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection

from relaydesk.llm.checks import ModelOutputGuard

DraftSink = Callable[[str, dict[str, object]], None]  # (conversation id, notification)
_SENTENCE_END = re.compile(r"[.!?…](?=\s)")


class DraftStream:
    def __init__(
        self,
        sink: DraftSink,
        conversation_id: str,
        guard: ModelOutputGuard,
        sources: Collection[str],
        done_tools: Collection[str],
    ) -> None:
        self.sink = sink
        self.conversation_id = conversation_id
        self.guard = guard
        self.sources = sources
        self.done_tools = done_tools
        self.shown = ""
        self.stopped = False

    def progress(self, text: str) -> None:
        """Called with the whole text so far; publishes complete, clean sentences only."""
        if self.stopped:
            return
        ends = [match.end() for match in _SENTENCE_END.finditer(text)]
        prefix = text[: ends[-1]].strip() if ends else ""
        if not prefix or prefix == self.shown:
            return
        if not self.guard.check_note(prefix, self.sources, self.done_tools).passed:
            self.stopped = True  # nothing more is shown; the final check decides
            return
        self.shown = prefix
        self._publish({"draft": prefix})

    def retract(self) -> None:
        if self.shown:
            self._publish({"draft": "", "retracted": True})

    def _publish(self, message: dict[str, object]) -> None:
        try:
            self.sink(self.conversation_id, {"conversation_id": self.conversation_id, **message})
        except Exception:  # a lost draft costs nothing: the stored reply follows
            return
