"""Translation in the console when a language model is configured (docs/console.md).

A customer who writes in a language the agent does not read has each message translated into
the agent's working language; the agent's reply is translated into the customer's. Both
versions stay in the transcript: a customer message keeps its own text and gains a
translation event (a system event the customer never sees, with the model call's record);
an agent's reply is stored as the customer read it, with what the agent wrote under
`original`. A reply the model could not translate in time, or whose translation failed a
check, is sent as the agent wrote it, and the console says so.
"""

from __future__ import annotations

import contextlib
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from relaydesk.domain.agents import AgentAccount
from relaydesk.domain.model import Conversation, Event, EventKind, Source
from relaydesk.domain.model_notes import Translated
from relaydesk.store.conversations import ConversationStore, DuplicateKey

# Older messages are not translated on opening (the agent has the summary): each one is a model
# call the page waits for.
RECENT_MESSAGES = 5


class TranslationResult(Protocol):
    @property
    def text(self) -> str | None: ...

    @property
    def record(self) -> dict[str, Any]: ...


class Translating(Protocol):
    """The model's translator (llm.translation.Translator), handed in: desk never imports llm."""

    def translate(self, text: str, source: str | None, target: str) -> TranslationResult: ...


@dataclass(frozen=True)
class OutgoingReply:
    text: str  # what the customer reads
    data: dict[str, Any]  # `original` and the call's record, or why it was sent as written


def base(language: str | None) -> str | None:
    return language.replace("_", "-").split("-")[0].lower() if language else None


def translated_seqs(events: Sequence[Event]) -> set[int]:
    """The customer messages that already have a translation (or a refused attempt)."""
    return {translated.of_seq for e in events if (translated := Translated.of(e)) is not None}


class ConsoleTranslation:
    """Which conversations need translating for an agent, and the translating itself."""

    def __init__(
        self, store: ConversationStore, translator: Translating, agent_language: str = "en"
    ) -> None:
        self.store = store
        self.translator = translator
        self.agent_language = base(agent_language) or "en"

    def target_for(self, conversation: Conversation, agent: AgentAccount) -> str | None:
        """The agent's working language when the customer writes in another one they do not
        list among their languages; None when no translation is needed."""
        customer = base(conversation.language)
        if customer is None or customer == self.agent_language:
            return None
        if customer in {base(language) for language in agent.languages}:
            return None
        return self.agent_language

    def translate_incoming(
        self, conversation: Conversation, agent: AgentAccount, events: Sequence[Event]
    ) -> list[Event]:
        """Translate the recent customer messages that have none yet; the new events."""
        target = self.target_for(conversation, agent)
        if target is None:
            return []
        done = translated_seqs(events)
        waiting = [
            e
            for e in events
            if e.kind is EventKind.MESSAGE and e.source is Source.CUSTOMER and e.text
        ][-RECENT_MESSAGES:]
        added: list[Event] = []
        for message in waiting:
            if message.seq in done:
                continue
            translated = self._translate_message(conversation, message, target)
            if translated is None:
                break  # the model is slow or down: the page does not wait for it again
            added += translated
        return added

    def _translate_message(
        self, conversation: Conversation, message: Event, target: str
    ) -> list[Event] | None:
        """The stored translation event; None when the model was unavailable (asked again on
        the next opening or message)."""
        assert message.text is not None
        result = self.translator.translate(message.text, conversation.language, target)
        if result.record.get("outcome") == "unavailable":
            return None
        translation = Translated(
            of_seq=message.seq,
            source_language=conversation.language,
            target_language=target,
            text=result.text,
            calls=[result.record],
        ).event()
        # Two agents' pages asking at once translate twice but store one translation.
        with contextlib.suppress(DuplicateKey):
            return self.store.append(
                conversation.id, [translation], idempotency_key=f"translation:{message.seq}"
            )
        return []

    def outgoing(self, conversation: Conversation, agent: AgentAccount, text: str) -> OutgoingReply:
        """The agent's reply as the customer will read it, with what the agent wrote kept."""
        if self.target_for(conversation, agent) is None or conversation.language is None:
            return OutgoingReply(text, {})
        result = self.translator.translate(text, self.agent_language, conversation.language)
        if result.text is None:
            why = result.record.get("llm_rejected") or result.record.get("reason") or "failed"
            return OutgoingReply(text, {"translation_failed": why, "llm": [result.record]})
        original = {"text": text, "language": self.agent_language}
        return OutgoingReply(result.text, {"original": original, "llm": [result.record]})


def translations_by_seq(events: Sequence[Event]) -> dict[int, dict[str, Any]]:
    """For the transcript: each customer message's translation, by the message's seq."""
    found: dict[int, dict[str, Any]] = {}
    for event in events:
        translated = Translated.of(event)
        if translated is not None:
            found[translated.of_seq] = translated.shown()
    return found
