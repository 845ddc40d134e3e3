"""Runs conversation tests through the real desk, store, assistant, tools and a seeded backend."""

from __future__ import annotations

import logging
import re
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from datetime import date
from functools import cache
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from relaydesk.assistant.engine import CONFUSABLE, PackAssistant
from relaydesk.assistant.parts import AssistantParts
from relaydesk.assistant.understanding.language import LanguageIdentifier, build_language_identifier
from relaydesk.bus.memory import MemoryBus
from relaydesk.desk.conversations import ConversationDesk
from relaydesk.domain.message_payloads import MessageSaid
from relaydesk.domain.model import Event, EventKind
from relaydesk.domain.payloads import OwnerChanged, ToolRan
from relaydesk.domain.turn_payloads import AssistantTurn
from relaydesk.pack import Pack
from relaydesk.store.conversations import ConversationStore
from relaydesk.store.engine import make_engine
from relaydesk.store.migrate import upgrade
from relaydesk.testing.conversation_spec import Breakage, ConversationTest, Expectation, Step
from relaydesk.tools import ToolRegistry

BROKEN_TOOL_TIMEOUT_S = 0.3
_SPACES = str.maketrans({"\u00a0": " ", "\u202f": " ", "\u2009": " "})
_LINK_OR_CODE = re.compile(r"https?://\S+|\b[A-Z]{2,3}-\d+\b|[€$£]?\d[\d.,:]*\s?(?:kr|SEK|EUR)?")


@dataclass
class TestOutcome:
    name: str
    source: Path
    failures: list[str] = field(default_factory=list)

    @property
    def passed(self) -> bool:
        return not self.failures


@dataclass(frozen=True)
class ConversationTestRunner:
    """One loaded assistant; every test gets a fresh database and a freshly seeded backend."""

    pack: Pack
    assistant: PackAssistant
    today: date

    def run(self, source: Path, test: ConversationTest) -> TestOutcome:
        outcome = TestOutcome(test.name, source)
        unknown = sorted(set(test.broken_tools) - set(self.assistant.parts.tools.names()))
        if unknown:
            outcome.failures.append(f"broken_tools names unknown tools: {', '.join(unknown)}")
            return outcome
        with (
            _quiet_tool_log(bool(test.broken_tools)),
            tempfile.TemporaryDirectory(prefix="relaydesk-conv-") as folder,
        ):
            engine = make_engine(f"sqlite:///{Path(folder) / 'test.sqlite3'}")
            try:
                upgrade(engine)
                self.pack.prepare_backend(engine)
                seed = self.pack.demo.demo_seed if self.pack.demo else 0
                self.pack.seed_backend(engine, customers=0, today=self.today, seed=seed)
                assistant = PackAssistant(self._parts(engine, test))
                desk = ConversationDesk(ConversationStore(engine), MemoryBus(), assistant)
                self._play(desk, test, outcome)
            finally:
                engine.dispose()
        return outcome

    def _parts(self, engine: Any, test: ConversationTest) -> AssistantParts:
        """The assistant's parts on this test's backend, with the tools it breaks broken."""
        parts = self.assistant.parts
        parts = replace(parts, tool_deps=self.pack.tool_deps(engine, lambda: self.today))
        if not test.broken_tools:
            return parts
        tools = with_broken_tools(parts.tools, test.broken_tools)
        return replace(parts, tools=tools, tool_timeout_s=BROKEN_TOOL_TIMEOUT_S)

    def _play(self, desk: ConversationDesk, test: ConversationTest, outcome: TestOutcome) -> None:
        conversation = desk.start_conversation(
            customer_ref=test.customer_ref, display_name="Test customer", language=test.language
        )
        for number, step in enumerate(test.steps, start=1):
            receipt = desk.receive_customer_message(
                conversation.id, step.customer, uuid.uuid4().hex
            )
            owner = desk.store.get_conversation(conversation.id).owner.value
            for problem in check_step(step, receipt.replies, owner):
                outcome.failures.append(f"step {number} ({step.customer!r}): {problem}")


def check_step(step: Step, events: list[Event], owner: str) -> list[str]:
    """What this step expected and did not get."""
    expect = step.expect
    replies = " ".join(e.text or "" for e in events if e.kind is EventKind.MESSAGE)
    problems = [
        f"reply lacks {text!r}; it was {replies!r}"
        for text in expect.reply_contains
        if _plain(text) not in _plain(replies)
    ]
    problems += [
        f"reply must not contain {text!r}; it was {replies!r}"
        for text in expect.reply_excludes
        if _plain(text) in _plain(replies)
    ]
    problems += _check_tools(expect, events)
    if expect.state is not None and owner != expect.state:
        problems.append(f"owner is {owner}, expected {expect.state}")
    problems += _check_turn(expect, events)
    problems += _check_reply(expect, events, replies.replace(step.customer.strip(), " "))
    return problems


def _check_reply(expect: Expectation, events: list[Event], replies: str) -> list[str]:
    """The reply's key and language; what the customer said and the reply quotes is not
    the reply's language (an address read back)."""
    problems = []
    keys = [said.reply_key for e in events if (said := MessageSaid.of(e)) is not None]
    if expect.reply_key is not None and expect.reply_key not in keys:
        problems.append(f"replies came from {keys}, expected {expect.reply_key}")
    if expect.reply_language is not None:
        written = reply_language(replies, expect.reply_language)
        if written != expect.reply_language:
            problems.append(f"reply is in {written}, expected {expect.reply_language}: {replies!r}")
    return problems


@cache
def _language_identifier() -> LanguageIdentifier:
    return build_language_identifier()


def reply_language(text: str, expected: str | None = None) -> str:
    """The language a reply is written in, judged without links, order ids and amounts.

    The expected language settles a close call the way a conversation's language does for
    customers (Norwegian read as Danish, Croatian as Bosnian); a clear other language stays.
    """
    words = _LINK_OR_CODE.sub(" ", text)
    guess = _language_identifier().identify(words)
    if expected is None or guess.language == expected:
        return guess.language
    near = any({guess.language, expected} <= group for group in CONFUSABLE)
    hinted = _language_identifier().identify(words, conversation_language=expected)
    return hinted.language if near or guess.confidence < 0.5 else guess.language


def _check_tools(expect: Expectation, events: list[Event]) -> list[str]:
    results = [ran for e in events if (ran := ToolRan.of(e)) is not None]
    problems = []
    if expect.tool is not None:
        wanted = expect.tool
        matching = [
            r
            for r in results
            if r.tool == wanted.name
            and r.status == wanted.status
            and all(_same(r.params.get(k), v) for k, v in wanted.params.items())
        ]
        if not matching:
            seen = [(r.tool, r.status, r.params) for r in results]
            problems.append(f"no {wanted.name} call with {wanted.status} {wanted.params}: {seen}")
    for tool in expect.no_tool_run:
        if any(r.tool == tool and r.done for r in results):
            problems.append(f"{tool} ran but must not")
    return problems


def _check_turn(expect: Expectation, events: list[Event]) -> list[str]:
    problems = []
    turn = next((t for e in events if (t := AssistantTurn.of(e)) is not None), AssistantTurn())
    if expect.language is not None and turn.language != expect.language:
        problems.append(f"language {turn.language}, expected {expect.language}")
    escalations = [change.reason for e in events if (change := OwnerChanged.of(e)) is not None]
    if expect.escalation is not None and expect.escalation not in escalations:
        problems.append(f"escalation reasons {escalations}, expected {expect.escalation}")
    if expect.choices is not None:
        offered = [
            choice.value
            for e in events
            if (said := MessageSaid.of(e)) is not None
            for choice in said.choices
        ]
        if offered != expect.choices:
            problems.append(f"choices {offered}, expected {expect.choices}")
    return problems


def _plain(text: str) -> str:
    """Case-folded, with the no-break spaces Babel puts in amounts and dates as plain spaces."""
    return text.translate(_SPACES).casefold()


def _same(actual: Any, expected: Any) -> bool:
    return str(actual).casefold() == str(expected).casefold()


class _Garbage(BaseModel):
    nonsense: int = 1


def _raises(_ctx: Any, _params: Any) -> Any:
    raise RuntimeError("the backend is down (a conversation test broke this tool)")


def _times_out(_ctx: Any, _params: Any) -> Any:
    time.sleep(BROKEN_TOOL_TIMEOUT_S * 4)


def _garbage(_ctx: Any, _params: Any) -> Any:
    return _Garbage()


@contextmanager
def _quiet_tool_log(quiet: bool) -> Iterator[None]:
    """No traceback for a failure the test asked for; the outcome still records it."""
    logger = logging.getLogger("relaydesk.tools.registry")
    level = logger.level
    if quiet:
        logger.setLevel(logging.CRITICAL)
    try:
        yield
    finally:
        logger.setLevel(level)


_BREAKAGES = {"raises": _raises, "times_out": _times_out, "garbage": _garbage}


def with_broken_tools(tools: ToolRegistry, broken: dict[str, Breakage]) -> ToolRegistry:
    """The same tools in the same order, the named ones failing as the test asks."""
    registry = ToolRegistry()
    for name in tools.names():
        spec = tools.get(name)
        if name in broken:  # run() breaks, and a reading tool's decided_run is not used
            spec = replace(spec, run=_BREAKAGES[broken[name]], decided_run=None)
        registry.register(spec)
    return registry
