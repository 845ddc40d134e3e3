"""Building the model's roles from settings: None unless a server and a role are configured."""

from __future__ import annotations

from collections.abc import Sequence

from prometheus_client import CollectorRegistry

from relaydesk.assistant.claims import ClaimPattern
from relaydesk.assistant.understanding.language import build_language_identifier
from relaydesk.bus.base import EventBus, conversation_topic
from relaydesk.llm.client import ChatClient, Deadline
from relaydesk.llm.console_model import ConsoleModel
from relaydesk.llm.drafts import DraftSink
from relaydesk.llm.handoff_note import HandoffWriter, Summarizer
from relaydesk.llm.masking import load_masker
from relaydesk.llm.roles import LanguageModelRoles, RoleSwitches
from relaydesk.llm.stats import LlmCollector, LlmStats
from relaydesk.llm.translation import Translator
from relaydesk.settings import Settings


def role_switches(settings: Settings) -> RoleSwitches:
    return RoleSwitches(
        understanding=settings.llm_understanding,
        knowledge=settings.llm_knowledge,
        summary=settings.llm_summary,
    )


def build_model_roles(
    settings: Settings,
    drafts: DraftSink | None = None,
    stats: LlmStats | None = None,
    company: str = "our company",
) -> LanguageModelRoles | None:
    """The configured roles, or None: the embedded engine alone, nothing leaves the host."""
    switches = role_switches(settings)
    if not settings.llm_base_url or not (switches.understanding or switches.knowledge):
        return None
    client = chat_client(settings, settings.llm_base_url)
    identifier = build_language_identifier()
    return LanguageModelRoles(
        client=client,
        language_of=lambda text: identifier.identify(text),
        switches=switches,
        deadline=Deadline(settings.llm_first_token_s, settings.llm_deadline_s),
        stats=stats or LlmStats(),
        mask=load_masker(),
        drafts=drafts,
        company=company,
    )


def chat_client(settings: Settings, base_url: str) -> ChatClient:
    """The OpenAI-compatible client both the turn's roles and the hand-off note use."""
    return ChatClient(
        base_url,
        settings.llm_api_key,
        settings.llm_model,
        settings.llm_max_tokens,
        settings.llm_structured_output,
    )


def build_handoff_writer(
    settings: Settings,
    summarize: Summarizer,
    stats: LlmStats | None = None,
    company: str = "our company",
    claims: Sequence[ClaimPattern] = (),
) -> HandoffWriter | None:
    """The agent-facing note writer when the summary role is on, else None."""
    if not settings.llm_base_url or not settings.llm_summary:
        return None
    return HandoffWriter(
        _console_model(settings, settings.llm_base_url, stats, company),
        summarize=summarize,
        claims=claims,
    )


def build_translator(
    settings: Settings, stats: LlmStats | None = None, company: str = "our company"
) -> Translator | None:
    """The console's translator when the translation role is on, else None."""
    if not settings.llm_base_url or not settings.llm_translation:
        return None
    return Translator(_console_model(settings, settings.llm_base_url, stats, company))


def _console_model(
    settings: Settings, base_url: str, stats: LlmStats | None, company: str
) -> ConsoleModel:
    identifier = build_language_identifier()
    return ConsoleModel(
        client=chat_client(settings, base_url),
        language_of=lambda text: identifier.identify(text),
        deadline=Deadline(settings.llm_first_token_s, settings.llm_deadline_s),
        stats=stats or LlmStats(),
        mask=load_masker(),
        company=company,
    )


def build_turn_roles(
    settings: Settings, bus: EventBus, company: str = "our company"
) -> LanguageModelRoles | None:
    """The configured roles for the assistant's turns, or None when none is configured.

    Drafts of knowledge answers are published on the bus as transient notifications
    ({"conversation_id", "draft"}); the stored reply is always the final guarded one.
    """

    def publish(conversation_id: str, message: dict[str, object]) -> None:
        bus.publish(conversation_topic(conversation_id), message)

    return build_model_roles(settings, drafts=publish, company=company)


def register_llm_metrics(registry: CollectorRegistry, roles: LanguageModelRoles) -> None:
    """Expose the roles' counters on /metrics."""
    registry.register(LlmCollector(roles.stats))
