"""Typed operations on an operator's backend, each guarded by a policy (pack-independent)."""

from relaydesk.tools.registry import DEFAULT_TIMEOUT_S, ToolRegistry, UnknownTool
from relaydesk.tools.spec import (
    DeadlineExceeded,
    PolicyDecision,
    PolicyFailed,
    PolicyViolation,
    ToolContext,
    ToolDescription,
    ToolError,
    ToolOutcome,
    ToolSpec,
    allow,
    check_deadline,
    deny,
    enforce,
    needs_approval,
)

__all__ = [
    "DEFAULT_TIMEOUT_S",
    "DeadlineExceeded",
    "PolicyDecision",
    "PolicyFailed",
    "PolicyViolation",
    "ToolContext",
    "ToolDescription",
    "ToolError",
    "ToolOutcome",
    "ToolRegistry",
    "ToolSpec",
    "UnknownTool",
    "allow",
    "check_deadline",
    "deny",
    "enforce",
    "needs_approval",
]
