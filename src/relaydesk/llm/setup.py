"""Building the model's roles from settings: None unless a server and a role are configured."""

from __future__ import annotations

from relaydesk.assistant.understanding.language import build_language_identifier
from relaydesk.llm.client import ChatClient, Deadline
from relaydesk.llm.drafts import DraftSink
from relaydesk.llm.handoff_note import HandoffWriter
from relaydesk.llm.masking import load_masker
from relaydesk.llm.roles import LanguageModelRoles, RoleSwitches
from relaydesk.llm.stats import LlmStats
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
    company: str = "Paylater",
) -> LanguageModelRoles | None:
    """The configured roles, or None: the embedded engine alone, nothing leaves the host."""
    switches = role_switches(settings)
    if not settings.llm_base_url or not (switches.understanding or switches.knowledge):
        return None
    client = ChatClient(
        settings.llm_base_url, settings.llm_api_key, settings.llm_model, settings.llm_max_tokens
    )
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


def build_handoff_writer(
    settings: Settings, stats: LlmStats | None = None, company: str = "Paylater"
) -> HandoffWriter | None:
    """The agent-facing note writer when the summary role is on, else None."""
    if not settings.llm_base_url or not settings.llm_summary:
        return None
    client = ChatClient(
        settings.llm_base_url, settings.llm_api_key, settings.llm_model, settings.llm_max_tokens
    )
    identifier = build_language_identifier()
    return HandoffWriter(
        client=client,
        language_of=lambda text: identifier.identify(text),
        deadline=Deadline(settings.llm_first_token_s, settings.llm_deadline_s),
        stats=stats or LlmStats(),
        mask=load_masker(),
        company=company,
    )
