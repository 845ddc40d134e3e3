"""Talking to the demo assistant with a language model behind it, and reading what it kept."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any

from sqlalchemy import Engine

from relaydesk.assistant.engine import PackAssistant
from relaydesk.assistant.understanding import Understander, Understanding
from relaydesk.assistant.understanding.language import build_language_identifier
from relaydesk.domain.model import Event, EventKind, Source
from relaydesk.llm.client import ChatClient, Deadline
from relaydesk.llm.console_model import ConsoleModel
from relaydesk.llm.masking import load_masker
from relaydesk.llm.roles import LanguageModelRoles, RoleSwitches
from relaydesk.llm.stats import LlmStats
from support.demo import assistant_on, desk_for

ALL_ROLES = RoleSwitches(understanding=True, knowledge=True, summary=True)
FAST = Deadline(first_token_s=0.8, total_s=1.2)


@dataclass
class Drafts:
    published: list[dict[str, object]] = field(default_factory=list)

    def __call__(self, conversation_id: str, message: dict[str, object]) -> None:
        self.published.append(message)


# Closed after each test (tests/llm/conftest.py): a client dropped with a kept-alive
# connection in its pool leaves an unclosed socket behind.
OPENED_CLIENTS: list[ChatClient] = []


def close_opened_clients() -> None:
    while OPENED_CLIENTS:
        OPENED_CLIENTS.pop().close()


def model_roles(
    base_url: str,
    deadline: Deadline,
    switches: RoleSwitches = ALL_ROLES,
    drafts: Drafts | None = None,
    model: str = "fake",
    structured_output: str = "json_schema",
) -> LanguageModelRoles:
    identifier = build_language_identifier()
    client = ChatClient(base_url, "test-key", model, 160, structured_output)
    OPENED_CLIENTS.append(client)
    return LanguageModelRoles(
        client=client,
        language_of=lambda text: identifier.identify(text),
        switches=switches,
        deadline=deadline,
        stats=LlmStats(),
        mask=load_masker(),
        drafts=drafts,
    )


class UnsureUnderstander:
    """The real understander, except that it is unsure of `unsure` messages whatever the
    classifier thinks: the fallback's precondition, kept stable while the classifier changes."""

    def __init__(self, real: Understander, *unsure: str) -> None:
        self.real = real
        self.unsure = set(unsure)

    @property
    def reference_kinds(self) -> frozenset[str]:
        return self.real.reference_kinds

    def understand(self, text: str, **kwargs: Any) -> Understanding:
        understood = self.real.understand(text, **kwargs)
        if text not in self.unsure:
            return understood
        return replace(understood, intent=None, confidence=0.2, out_of_scope=True)


@dataclass(frozen=True)
class Exchange:
    events: list[Event]

    @property
    def replies(self) -> list[Event]:
        return [
            e for e in self.events if e.kind is EventKind.MESSAGE and e.source is Source.ASSISTANT
        ]

    @property
    def last_reply(self) -> str:
        return self.replies[-1].text or ""

    @property
    def notes(self) -> list[dict[str, Any]]:
        """The model notes of every turn, oldest first."""
        return [
            note
            for e in self.events
            if e.kind is EventKind.ASSISTANT_TURN and e.source is Source.ASSISTANT
            for note in e.data.get("llm", [])
        ]

    def tools_called(self) -> list[str]:
        return [str(e.data["tool"]) for e in self.events if e.kind is EventKind.TOOL_CALL]


def converse(
    assistant: PackAssistant,
    engine: Engine,
    *texts: str,
    llm: LanguageModelRoles | None = None,
    customer: str = "cust-alice",
    language: str = "en",
    unsure: tuple[str, ...] = (),
) -> Exchange:
    understander = UnsureUnderstander(assistant.parts.understander, *unsure)
    desk = desk_for(assistant_on(assistant, engine, llm=llm, understander=understander), engine)
    conversation = desk.start_conversation(
        customer_ref=customer, display_name="Customer", language=language
    )
    for i, text in enumerate(texts):
        desk.receive_customer_message(conversation.id, text, f"k{i}")
    return Exchange(desk.store.events_after(conversation.id, 0))


def console_model(base_url: str) -> ConsoleModel:
    """The console's model access (translation, hand-off notes) against `base_url`."""
    identifier = build_language_identifier()
    client = ChatClient(base_url, "test-key", "fake")
    OPENED_CLIENTS.append(client)
    return ConsoleModel(
        client, lambda text: identifier.identify(text), FAST, LlmStats(), load_masker()
    )
