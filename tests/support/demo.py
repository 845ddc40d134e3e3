"""The demo assistant on a test's own backend."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from sqlalchemy import Engine

from relaydesk.assistant.engine import PackAssistant
from relaydesk.bus.memory import MemoryBus
from relaydesk.desk.conversations import ConversationDesk
from relaydesk.store.conversations import ConversationStore

TODAY = date(2026, 11, 23)


def assistant_on(assistant: PackAssistant, engine: Engine, **changes: object) -> PackAssistant:
    """The same assistant acting on another backend, with optional part changes."""
    deps = replace(assistant.parts.tool_deps, engine=engine, clock=lambda: TODAY)
    return PackAssistant(replace(assistant.parts, tool_deps=deps, **changes))  # type: ignore[arg-type]


def desk_for(assistant: PackAssistant, engine: Engine) -> ConversationDesk:
    return ConversationDesk(ConversationStore(engine), MemoryBus(), assistant)
