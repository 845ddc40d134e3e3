"""Filling a reply's placeholders from slots, previews and tool results, formatted per language."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from relaydesk.assistant.flows import ReplySpec
from relaydesk.assistant.replies import ReplyCatalog, format_amount, format_date, placeholders

_CALL = re.compile(r"^(?P<fn>date|amount|reply)\((?P<args>.*)\)$")


class MissingValue(LookupError):
    """A placeholder's source is absent: the reply cannot be said truthfully."""


@dataclass(frozen=True)
class Composer:
    catalog: ReplyCatalog
    # Whether relaydesk sends email: only then may a reply promise one (ReplySpec.by_email).
    email_sending: bool = False

    def key_for(self, spec: ReplySpec) -> str:
        """The key said for spec: its email variant when relaydesk sends email."""
        return spec.by_email if self.email_sending and spec.by_email else spec.key

    def render(self, spec: ReplySpec, language: str, scope: dict[str, Any]) -> str:
        """The reply in the customer's language; MissingValue if a placeholder has no source."""
        key = self.key_for(spec)
        params = {name: self.value(expr, language, scope) for name, expr in spec.params.items()}
        template = self.catalog.template(key, language)
        for name in placeholders(template) - params.keys():
            params[name] = str(self._by_name(scope, name))
        return self.catalog.render(key, language, **params)

    def _by_name(self, scope: dict[str, Any], name: str) -> Any:
        """A placeholder the flow did not map: a slot, result or preview value of that name."""
        for root in ("slots", "result", "check", "preview"):
            try:
                return lookup(scope, f"{root}.{name}")
            except MissingValue:
                continue
        raise MissingValue(name)

    def value(self, expression: str, language: str, scope: dict[str, Any]) -> str:
        call = _CALL.match(expression.strip())
        if call is None:
            return str(lookup(scope, expression.strip()))
        args = [arg.strip() for arg in call.group("args").split(",")]
        fn = call.group("fn")
        if fn == "date":
            day = _as_date(lookup(scope, args[0]))
            if len(args) > 1:
                day += timedelta(days=int(lookup(scope, args[1])))
            return format_date(day, language)
        if fn == "amount":
            return format_amount(
                Decimal(str(lookup(scope, args[0]))), lookup(scope, args[1]), language
            )
        return self.catalog.render(f"{args[0]}.{lookup(scope, args[1])}", language)


def lookup(scope: dict[str, Any], path: str) -> Any:
    """Follow a dotted path through dicts and lists: 'result.refunds.0.amount'."""
    current: Any = scope
    for part in path.split("."):
        if isinstance(current, list) and part.isdigit() and int(part) < len(current):
            current = current[int(part)]
        elif isinstance(current, dict) and current.get(part) is not None:
            current = current[part]
        else:
            raise MissingValue(path)
    return current


def _as_date(value: Any) -> date:
    return value if isinstance(value, date) else date.fromisoformat(str(value))
