"""What a tool is: typed parameters and result, a policy, and the operation it runs."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Generic, Literal, TypeVar

from pydantic import BaseModel, Field

from relaydesk.tools.attempts import AttemptLimits

DepsT = TypeVar("DepsT")
P = TypeVar("P", bound=BaseModel)
R = TypeVar("R", bound=BaseModel)

DetailValue = str | int | float
Actor = Literal["assistant", "agent"]
Outcome = Literal["allow", "needs_approval", "deny"]
Status = Literal["done", "denied", "needs_approval", "error", "invalid"]


class PolicyDecision(BaseModel):
    """Whether a call may run; `reason` is a stable code, `details` are values a reply can quote."""

    outcome: Outcome
    reason: str
    details: dict[str, DetailValue] = Field(default_factory=dict)

    @property
    def allowed(self) -> bool:
        return self.outcome == "allow"


def allow(reason: str = "ok", **details: DetailValue) -> PolicyDecision:
    """A decision that lets the call run."""
    return PolicyDecision(outcome="allow", reason=reason, details=details)


def deny(reason: str, **details: DetailValue) -> PolicyDecision:
    """A decision that refuses the call, whoever asks and whatever approval they hold."""
    return PolicyDecision(outcome="deny", reason=reason, details=details)


def needs_approval(reason: str, **details: DetailValue) -> PolicyDecision:
    """A decision that lets the call run only once a human has approved it."""
    return PolicyDecision(outcome="needs_approval", reason=reason, details=details)


@dataclass(frozen=True, kw_only=True)
class ToolContext(Generic[DepsT]):
    """Who is calling a tool, for which verified customer, and the backend it runs against."""

    customer_id: str | None  # the verified customer; None while identity is unverified
    actor: Actor
    actor_id: str | None
    deps: DepsT
    approved_by: str | None = None  # the human who approved this very call
    # The person's role ("agent", "supervisor", "admin") when a person calls or approves:
    # a policy may give roles different limits.
    role: str | None = None
    deadline: float | None = None  # time.monotonic() value after which work must not commit
    # True when the customer proved who they are only with details they typed (an email and
    # an order number), not a signature from the operator's site: enough to read, not to
    # change contact details.
    proven_by_details: bool = False
    # The conversation and the client's address the call comes from (None when unknown),
    # and the shared failure counts for checks that must not be guessed at speed.
    conversation_id: str | None = None
    client_address: str | None = None
    attempts: AttemptLimits | None = None

    def past_deadline(self) -> bool:
        """True once the caller has stopped waiting for this call."""
        return self.deadline is not None and time.monotonic() > self.deadline


PolicyFn = Callable[[ToolContext[Any], P], PolicyDecision]
RunFn = Callable[[ToolContext[Any], P], R]
DecidedRunFn = Callable[[ToolContext[Any], P], tuple[PolicyDecision, R]]


@dataclass(frozen=True)
class ToolSpec(Generic[P, R]):
    """One typed operation on the operator's backend, with the policy that guards it."""

    name: str
    description: str
    params: type[P]
    result: type[R]
    policy: Callable[[ToolContext[Any], P], PolicyDecision]
    run: Callable[[ToolContext[Any], P], R]
    mutates: bool
    # A reading tool's run that decides its policy itself, in the one transaction it reads
    # in, and returns the decision with its result: a call then decides once, not twice.
    # It raises PolicyViolation for a refusal and PolicyFailed when deciding failed.
    decided_run: DecidedRunFn[P, R] | None = None


class ToolOutcome(BaseModel):
    """What happened to one tool call; `error` is a stable code, never exception text."""

    tool: str
    status: Status
    params: dict[str, Any] | None = None  # as validated and normalised, for the event log
    decision: PolicyDecision | None = None
    result: dict[str, Any] | None = None
    error: str | None = None
    fields: list[str] = Field(default_factory=list)  # parameters that failed validation

    @property
    def done(self) -> bool:
        return self.status == "done"


class ToolDescription(BaseModel):
    """A tool as a model or a console sees it: name, purpose and parameter schema."""

    name: str
    description: str
    parameters: dict[str, Any]
    mutates: bool


class ToolError(Exception):
    """An expected failure inside a tool; `code` is what the caller sees."""

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


class PolicyViolation(Exception):
    """Raised by a tool's own re-check when its policy refuses the call."""

    def __init__(self, decision: PolicyDecision) -> None:
        super().__init__(decision.reason)
        self.decision = decision


class PolicyFailed(Exception):
    """Deciding a call's policy raised (the cause is chained); the call is not run."""


class DeadlineExceeded(ToolError):
    """The caller gave up waiting; the tool must not commit."""

    def __init__(self) -> None:
        super().__init__("timeout")


def enforce(decision: PolicyDecision, ctx: ToolContext[Any]) -> None:
    """Raise unless the decision lets this call run (approval counts only when present)."""
    if decision.outcome == "deny":
        raise PolicyViolation(decision)
    if decision.outcome == "needs_approval" and ctx.approved_by is None:
        raise PolicyViolation(decision)


def check_deadline(ctx: ToolContext[Any]) -> None:
    """Raise if the caller has already timed out, so a late write rolls back."""
    if ctx.past_deadline():
        raise DeadlineExceeded()
