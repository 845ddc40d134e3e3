"""Checking a pack's assistant parts when it loads: every named reply, tool and slot kind exists.

Each problem is one sentence naming the pack and what is missing, raised as PackError before
the first customer arrives.
"""

from __future__ import annotations

from relaydesk.assistant.parts import AssistantParts
from relaydesk.assistant.reply_keys import (
    ENGINE_REPLY_KEYS,
    VERIFICATION_REPLY_KEYS,
    flow_reply_keys,
)
from relaydesk.pack.loader import PackError


def check_assistant_parts(pack_name: str, parts: AssistantParts) -> None:
    """Raise PackError for the first thing the engine would ask for and not find."""
    _check_tools(pack_name, parts)
    _check_slot_kinds(pack_name, parts)
    _check_replies(pack_name, parts)


def required_reply_keys(parts: AssistantParts) -> set[str]:
    keys = set(ENGINE_REPLY_KEYS) | flow_reply_keys(parts.flows)
    if parts.verification is not None:
        keys.update(VERIFICATION_REPLY_KEYS)
    if parts.dialogue_step is not None:
        keys.update(parts.dialogue_step.reply_keys)
    return keys


def _check_slot_kinds(pack_name: str, parts: AssistantParts) -> None:
    for flow in parts.flows.flows:
        for slot in flow.slots:
            if parts.slot_reader(slot.kind) is None:
                raise PackError(
                    f"The pack '{pack_name}' has a slot '{slot.name}' of kind '{slot.kind}' in "
                    f"the flow '{flow.name}', and neither relaydesk nor the pack can read it."
                )


def _check_replies(pack_name: str, parts: AssistantParts) -> None:
    catalog = parts.composer.catalog
    for language in catalog.languages():
        for key in sorted(required_reply_keys(parts)):
            if not catalog.has(key, language):
                raise PackError(
                    f"The pack '{pack_name}' has no reply '{key}' in its '{language}' catalog, "
                    "and the engine needs it."
                )


def _check_tools(pack_name: str, parts: AssistantParts) -> None:
    registered = set(parts.tools.names())
    for flow in parts.flows.flows:
        for tool in (flow.tool, flow.preview_tool):
            if tool is not None and tool not in registered:
                raise PackError(
                    f"The pack '{pack_name}' has a flow '{flow.name}' that calls '{tool}', "
                    "which is not among its tools."
                )
    for tool in parts.profile_tools:
        if tool not in registered:
            raise PackError(
                f"The pack '{pack_name}' shows '{tool}' in the agent's customer panel, "
                "which is not among its tools."
            )
    check = parts.verification
    for way in check.ways() if check is not None else ():
        if way.tool not in registered:
            raise PackError(
                f"The pack '{pack_name}' verifies anonymous customers with '{way.tool}', "
                "which is not among its tools."
            )
