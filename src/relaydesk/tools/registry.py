"""The explicit list of an operator's tools, and the one way to call them: under policy."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import replace
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from relaydesk.tools.spec import (
    DecidedRunFn,
    PolicyDecision,
    PolicyFailed,
    PolicyViolation,
    Status,
    ToolContext,
    ToolDescription,
    ToolError,
    ToolOutcome,
    ToolSpec,
    deny,
)
from relaydesk.turn_slots import slot_given_back

log = logging.getLogger(__name__)

T = TypeVar("T")
AnySpec = ToolSpec[Any, Any]

DEFAULT_TIMEOUT_S = 2.0


class UnknownTool(KeyError):
    """No tool with this name is registered."""


class _TimedOut:
    """Marker for a call the caller stopped waiting for."""


_TIMED_OUT = _TimedOut()
# A tool still running after this keeps its turn's slot no longer. Tools on a backend in
# the same database end well within it; giving the slot back for them cost their turns a
# wait behind the turn that took it (docs/performance.md).
QUICK_TOOL_S = 0.05


def _within(fn: Callable[[], T], timeout_s: float) -> T | _TimedOut:
    """Run fn in a worker thread and wait at most timeout_s; exceptions propagate."""
    box: list[T] = []
    failure: list[BaseException] = []

    def work() -> None:
        try:
            box.append(fn())
        except BaseException as exc:  # re-raised in the caller's thread below
            failure.append(exc)

    # A daemon thread: a hung backend call must not keep the process alive on shutdown.
    worker = threading.Thread(target=work, name="relaydesk-tool", daemon=True)
    deadline = time.monotonic() + timeout_s
    worker.start()
    worker.join(min(timeout_s, QUICK_TOOL_S))
    if worker.is_alive():
        with slot_given_back():  # a remote backend, likely: other turns go on meanwhile
            worker.join(max(0.0, deadline - time.monotonic()))
    if worker.is_alive():
        return _TIMED_OUT
    if failure:
        raise failure[0]
    return box[0]


def _result_dict(spec: AnySpec, raw: object) -> dict[str, Any] | None:
    """The result as JSON-ready data if it is the declared type, else None."""
    result_type: type[BaseModel] = spec.result
    if isinstance(raw, result_type):
        return raw.model_dump(mode="json")
    if isinstance(raw, dict):
        try:
            return result_type.model_validate(raw).model_dump(mode="json")
        except ValidationError:
            return None
    return None


class ToolRegistry:
    """Tools registered by name; `execute` validates, checks policy, runs with a time limit."""

    def __init__(self) -> None:
        self._specs: dict[str, AnySpec] = {}

    def register(self, spec: ToolSpec[Any, Any]) -> None:
        """Add a tool; a second tool with the same name is a wiring mistake."""
        if spec.name in self._specs:
            raise ValueError(f"tool {spec.name!r} is already registered")
        self._specs[spec.name] = spec

    def get(self, name: str) -> AnySpec:
        """The tool with this name."""
        try:
            return self._specs[name]
        except KeyError:
            raise UnknownTool(name) from None

    def names(self) -> list[str]:
        """Registered tool names, in registration order."""
        return list(self._specs)

    def __contains__(self, name: object) -> bool:
        return name in self._specs

    def describe(self) -> list[ToolDescription]:
        """Every tool with the JSON schema of its parameters (for an LLM or the console)."""
        return [
            ToolDescription(
                name=spec.name,
                description=spec.description,
                parameters=spec.params.model_json_schema(),
                mutates=spec.mutates,
            )
            for spec in self._specs.values()
        ]

    def check(
        self,
        name: str,
        raw_params: dict[str, Any],
        ctx: ToolContext[Any],
        timeout_s: float = DEFAULT_TIMEOUT_S,
    ) -> PolicyDecision:
        """What the policy would say about this call, without running it (for confirmations)."""
        spec = self._specs.get(name)
        if spec is None:
            return deny("unknown_tool")
        try:
            params = spec.params.model_validate(raw_params)
        except ValidationError as exc:
            return deny("invalid_params", fields=",".join(_invalid_fields(exc)))
        call_ctx = replace(ctx, deadline=time.monotonic() + timeout_s)
        try:
            decision = _within(lambda: spec.policy(call_ctx, params), timeout_s)
        except Exception:
            log.exception("policy of tool %s failed", name)
            return deny("policy_error")
        if isinstance(decision, _TimedOut):
            return deny("timeout")
        return decision

    def execute(
        self,
        name: str,
        raw_params: dict[str, Any],
        ctx: ToolContext[Any],
        timeout_s: float = DEFAULT_TIMEOUT_S,
    ) -> ToolOutcome:
        """Validate, decide, run and validate the result; never raises for a tool's failure."""
        spec = self._specs.get(name)
        if spec is None:
            return ToolOutcome(tool=name, status="invalid", error="unknown_tool")
        try:
            params = spec.params.model_validate(raw_params)
        except ValidationError as exc:
            return ToolOutcome(
                tool=name, status="invalid", error="invalid_params", fields=_invalid_fields(exc)
            )
        # The deadline travels with the call so a tool can refuse to commit after we gave up.
        call_ctx = replace(ctx, deadline=time.monotonic() + timeout_s)
        try:
            outcome = _within(lambda: _decide_and_run(spec, params, call_ctx), timeout_s)
        except Exception:
            log.exception("tool %s failed outside its guard", name)
            outcome = ToolOutcome(tool=name, status="error", error="exception")
        if isinstance(outcome, _TimedOut):
            log.warning("tool %s timed out after %.2fs", name, timeout_s)
            outcome = ToolOutcome(tool=name, status="error", error="timeout")
        outcome.params = params.model_dump(mode="json")
        return outcome


def _invalid_fields(exc: ValidationError) -> list[str]:
    """The parameter names a validation error is about, so a flow can ask for them again."""
    fields = {".".join(str(part) for part in err["loc"]) or "__root__" for err in exc.errors()}
    return sorted(fields)


def _decide_and_run(spec: AnySpec, params: BaseModel, ctx: ToolContext[Any]) -> ToolOutcome:
    """Evaluate the policy and, if it allows, run the tool and check what it returned."""
    if spec.decided_run is not None:
        return _run_deciding(spec, spec.decided_run, params, ctx)
    try:
        decision = spec.policy(ctx, params)
    except Exception:
        log.exception("policy of tool %s failed", spec.name)
        return ToolOutcome(tool=spec.name, status="error", error="policy_error")
    if decision.outcome == "deny":
        return ToolOutcome(tool=spec.name, status="denied", decision=decision)
    if decision.outcome == "needs_approval" and ctx.approved_by is None:
        return ToolOutcome(tool=spec.name, status="needs_approval", decision=decision)
    try:
        raw = spec.run(ctx, params)
    except PolicyViolation as violation:
        # The tool's own re-check inside its transaction saw something the first look did not.
        return _refused(spec, violation)
    except ToolError as failure:
        return ToolOutcome(tool=spec.name, status="error", decision=decision, error=failure.code)
    except Exception:
        log.exception("tool %s raised", spec.name)
        return ToolOutcome(tool=spec.name, status="error", decision=decision, error="exception")
    return _checked(spec, decision, raw)


def _run_deciding(
    spec: AnySpec, decided_run: DecidedRunFn[Any, Any], params: BaseModel, ctx: ToolContext[Any]
) -> ToolOutcome:
    """A reading tool that decides its policy in the transaction it reads in: one look."""
    try:
        decision, raw = decided_run(ctx, params)
    except PolicyViolation as violation:
        return _refused(spec, violation)
    except PolicyFailed:
        log.exception("policy of tool %s failed", spec.name)
        return ToolOutcome(tool=spec.name, status="error", error="policy_error")
    except ToolError as failure:
        return ToolOutcome(tool=spec.name, status="error", error=failure.code)
    except Exception:
        log.exception("tool %s raised", spec.name)
        return ToolOutcome(tool=spec.name, status="error", error="exception")
    return _checked(spec, decision, raw)


def _refused(spec: AnySpec, violation: PolicyViolation) -> ToolOutcome:
    refused = violation.decision
    status: Status = "needs_approval" if refused.outcome == "needs_approval" else "denied"
    return ToolOutcome(tool=spec.name, status=status, decision=refused)


def _checked(spec: AnySpec, decision: PolicyDecision, raw: Any) -> ToolOutcome:
    result = _result_dict(spec, raw)
    if result is None:
        log.error("tool %s returned %s, not %s", spec.name, type(raw).__name__, spec.result)
        return ToolOutcome(tool=spec.name, status="error", decision=decision, error="bad_result")
    return ToolOutcome(tool=spec.name, status="done", decision=decision, result=result)
