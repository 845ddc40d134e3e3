"""The reply keys a pack can say, to find catalog entries that nothing says any more.

A key is said when the load-time check asks for it (relaydesk.pack.checks: the engine's
keys, the pack's flows' and its dialogue step's), when the pack's own code names it
(reply_keys_said), when a flow's refusal can reach it for a reason a policy gives
(FlowSpec.refusal_keys, reasons read from `deny("...")` calls of the pack and of core's
tool registry), or when it lies under a flow's `reply(prefix, value)` parameter, which says
`<prefix>.<value>` for whatever value the tool returns.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterable
from pathlib import Path

from architecture.reply_keys_said import reply_keys_said
from relaydesk.assistant.flows import FlowBook
from relaydesk.assistant.parts import AssistantParts
from relaydesk.pack.checks import required_reply_keys

_NESTED_REPLY = re.compile(r"^\s*reply\(\s*(?P<prefix>[a-z_.]+)\s*,")


def refusal_reasons(paths: Iterable[Path]) -> set[str]:
    """The reasons written as a string constant in a `deny(...)` call."""
    reasons: set[str] = set()
    for path in paths:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
            if isinstance(node, ast.Call) and _called(node) == "deny" and node.args:
                reason = node.args[0]
                if isinstance(reason, ast.Constant) and isinstance(reason.value, str):
                    reasons.add(reason.value)
    return reasons


def refusal_keys(flows: FlowBook, reasons: Iterable[str]) -> set[str]:
    """Every key a flow's refusal may say for one of these reasons."""
    return {key for flow in flows.flows for reason in reasons for key in flow.refusal_keys(reason)}


def nested_reply_prefixes(flows: FlowBook) -> set[str]:
    """The prefixes of the `reply(prefix, value)` parameters of the flows' replies."""
    prefixes: set[str] = set()
    for flow in flows.flows:
        for reply in (flow.done, flow.confirm, flow.empty):
            for expression in reply.params.values() if reply is not None else ():
                found = _NESTED_REPLY.match(expression)
                if found is not None:
                    prefixes.add(found.group("prefix"))
    return prefixes


def unsaid_keys(
    catalog_keys: Iterable[str],
    parts: AssistantParts,
    pack_sources: Iterable[Path],
    core_sources: Iterable[Path],
) -> list[str]:
    """The catalog's keys that nothing in the pack or the engine can say."""
    sources = list(pack_sources)
    said = required_reply_keys(parts) | reply_keys_said(iter(sources))
    said |= refusal_keys(parts.flows, refusal_reasons([*sources, *core_sources]))
    prefixes = tuple(f"{prefix}." for prefix in nested_reply_prefixes(parts.flows))
    return sorted(key for key in set(catalog_keys) - said if not key.startswith(prefixes))


def _called(node: ast.Call) -> str | None:
    if isinstance(node.func, ast.Attribute):
        return node.func.attr
    return node.func.id if isinstance(node.func, ast.Name) else None
