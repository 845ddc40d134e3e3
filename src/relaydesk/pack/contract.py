"""The one contract a domain pack satisfies: everything a business brings to relaydesk.

A pack is an object (usually a frozen dataclass built by a factory named in the pack's
`relaydesk.packs` entry point) with these members. Core reads a pack only through them.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any, Protocol

from sqlalchemy import Engine

from relaydesk.assistant.embeddings import Embedder
from relaydesk.assistant.parts import AssistantParts
from relaydesk.assistant.understanding.entities import ReferencePattern

# Raised when the contract changes incompatibly; a pack states the version it was written for.
API_VERSION = 1


@dataclass(frozen=True)
class Branding:
    """How the business presents itself to customers and to the optional language model."""

    company_name: str
    help_centre_title: str
    # The widget's first line, by language; "en" is required and is the fallback.
    widget_greeting: Mapping[str, str]
    # Hex colours: "accent" and "accent_dark" (hover) for the widget's buttons, which carry
    # white text, so pick colours with enough contrast against white.
    colours: Mapping[str, str] = field(default_factory=dict)

    def greeting(self, language: str | None) -> str:
        return self.widget_greeting.get(language or "en") or self.widget_greeting["en"]


@dataclass(frozen=True)
class AssistantSetup:
    """What relaydesk hands a pack when it builds the assistant's parts."""

    engine: Engine  # relaydesk's database; a pack whose backend is a demo may keep tables here
    base_url: str  # where relaydesk is reachable, for links to the help centre
    cache_dir: Path  # trained models and embeddings, keyed by content
    embedder: Embedder | None = None  # shared sentence embedder (tests load it once)
    today: Callable[[], date] = date.today
    # relaydesk sends email (SMTP configured): hand it to the Composer, so replies that
    # promise an email (ReplySpec.by_email) are said only then.
    email_sending: bool = False


@dataclass(frozen=True)
class DemoCustomer:
    """A signed-in customer the demo page can act as."""

    customer_id: str
    name: str
    language: str | None = None  # None: the widget follows the browser


@dataclass(frozen=True)
class ShopPage:
    """What the pack's demo page is rendered from; the signature is relaydesk's to compute."""

    base_url: str
    shopper: DemoCustomer | None
    signature: str | None
    language: str | None
    shoppers: tuple[DemoCustomer, ...]
    branding: Branding


@dataclass(frozen=True)
class Persona:
    """One kind of simulated customer: what they say, in order, and how they leave."""

    weight: int  # relative share of the traffic
    steps: tuple[str, ...]  # phrase keys, or names of a Personas.draws entry
    ending: str  # goodbye | close | none | agent
    english_only: bool = False  # phrases written in English only
    # Asks about one of the backend's approval references ({reference} in its phrases);
    # the simulated agent then decides the approval request it leads to.
    needs_approval: bool = False


@dataclass(frozen=True)
class Personas:
    """The simulator's customers for this business: their phrases, personas and languages."""

    language_weights: Mapping[str, int]
    # language -> phrase key -> ways to say it; "en" is required and is the fallback
    phrases: Mapping[str, Mapping[str, tuple[str, ...]]]
    personas: Mapping[str, Persona]
    agent_replies: Mapping[str, str]  # the agent's first reply, by language ("en" required)
    # A step naming one of these is drawn from its phrase keys each time ("question" ->
    # one of the questions the assistant can answer).
    draws: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    thanks_key: str = "thanks"  # the phrase key a customer leaves with
    spike_key: str = "question"  # what the injected burst (`--spike`) asks about
    unanswered: tuple[str, ...] = ()  # questions the pack's articles do not answer


@dataclass(frozen=True)
class SimulationParts:
    """What `relaydesk simulate` needs to know about the pack's customers and seeded backend."""

    personas: Personas
    count_customers: Callable[[Engine], int]  # seeded customers it holds; 0 without a backend
    customer_ref: Callable[[int], str]  # the id of the n-th seeded customer (from 1)
    # Per seeded customer (first n), a reference whose action needs a person's approval, or
    # None; a persona with needs_approval asks about it.
    approval_refs: Callable[[int], list[str | None]]


@dataclass(frozen=True)
class DemoParts:
    """Optional: what `relaydesk demo` and the simulator show and seed for this business."""

    customers: tuple[DemoCustomer, ...]
    render_shop: Callable[[ShopPage], str] | None = None
    # The size of the backend `relaydesk demo` seeds, and the seed that makes it repeatable.
    demo_backend_customers: int = 200
    demo_seed: int = 42
    simulation: SimulationParts | None = None


@dataclass(frozen=True)
class ScriptedTask:
    """One task of a pack's benchmark: what its customer writes, message by message."""

    task_id: str
    name: str
    messages: tuple[str, ...]


class TaskSuite(Protocol):
    """Optional (a pack's `task_suite` member): tasks whose outcome is the backend's end state.

    `relaydesk eval tasks` plays each scripted task through the engine on a fresh backend
    and asks the pack to judge the end state (e.g. against the task's gold actions replayed
    on another fresh copy). Unreadable sources raise ValueError with a sentence.
    """

    def scripted_tasks(self, scripts: Path | None, tasks: Path | None) -> list[ScriptedTask]:
        """The tasks that have a script, in the tasks' order (None: the pack's own files)."""
        ...

    def fresh_backend(self) -> AbstractContextManager[Engine]:
        """A new copy of the backend as the tasks start from it, discarded afterwards."""
        ...

    def judge(self, task_id: str, played: Engine) -> str | None:
        """The first difference from the task's expected end state; None when it is solved."""
        ...


def task_suite(pack: object) -> TaskSuite | None:
    """The pack's task suite, if it has one (an optional member of the contract)."""
    return getattr(pack, "task_suite", None)


class Pack(Protocol):
    """Everything a business supplies. Checked when it loads (relaydesk.pack.checks)."""

    @property
    def name(self) -> str: ...

    @property
    def api_version(self) -> int: ...

    @property
    def branding(self) -> Branding: ...

    @property
    def data_dir(self) -> Path:
        """Its declarative data; `training/` in it holds the intent examples the CLI trains on."""
        ...

    @property
    def knowledge_dir(self) -> Path:
        """Markdown articles by language, served as the help centre even without the assistant."""
        ...

    @property
    def references(self) -> tuple[ReferencePattern, ...]:
        """Its reference numbers (order numbers and the like), found as entities of their kind."""
        ...

    @property
    def skills(self) -> tuple[str, ...]:
        """The skills its flows and escalations ask a person for (agents are given these)."""
        ...

    @property
    def demo(self) -> DemoParts | None: ...

    def prepare_backend(self, engine: Engine) -> None:
        """Make the pack's backend usable (create a demo's tables); a no-op for an HTTP API."""
        ...

    def seed_backend(self, engine: Engine, *, customers: int, today: date, seed: int) -> None:
        """Fill the pack's own backend with known data for the demo and conversation tests."""
        ...

    def tool_deps(self, engine: Engine, today: Callable[[], date]) -> Any:
        """The dependencies its tools receive (ToolContext.deps), on this backend and clock."""
        ...

    def build_assistant(self, setup: AssistantSetup) -> AssistantParts:
        """Its flows, models, knowledge, replies, tools, slot kinds and verification."""
        ...
