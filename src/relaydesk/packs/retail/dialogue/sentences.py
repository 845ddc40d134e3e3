"""The store assistant's sentences: catalog keys with the values they name.

The assistant decides what to say as `Say` values; the words are in the pack's catalogs
(locale/*/LC_MESSAGES/messages.po), so the step says them in the conversation's language.
A value may itself be a `Say` (a status, a payment method) or a `Listed` run of them,
rendered in the same language before the sentence that holds it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from relaydesk.assistant.replies import ReplyCatalog

LOCALE = Path(__file__).parent.parent / "locale"


@dataclass(frozen=True)
class Say:
    """One sentence by its catalog key; `claims` names the tool whose success it states."""

    key: str
    values: dict[str, Any] = field(default_factory=dict)
    claims: str | None = None


@dataclass(frozen=True)
class Listed:
    """Sentences joined into one value: by `joiner`, or by the catalog's `joiner_key`."""

    parts: tuple[Say, ...]
    joiner: str = "; "
    joiner_key: str | None = None


# (key, values) -> the text in one language
Render = Callable[..., str]


def text_of(say: Say, render: Render) -> str:
    """The sentence with its nested sentences rendered by the same `render`."""
    return render(say.key, **values_of(say, render))


def values_of(say: Say, render: Render) -> dict[str, Any]:
    values: dict[str, Any] = {}
    for name, value in say.values.items():
        if isinstance(value, Say):
            values[name] = text_of(value, render)
        elif isinstance(value, Listed):
            joiner = render(value.joiner_key) if value.joiner_key else value.joiner
            values[name] = joiner.join(text_of(part, render) for part in value.parts)
        else:
            values[name] = value
    return values


@cache
def _catalog() -> ReplyCatalog:
    return ReplyCatalog.load(LOCALE)


def in_language(say: Say, language: str = "en") -> str:
    """The sentence from the pack's own catalogs (the assistant played without the engine)."""
    catalog = _catalog()
    return text_of(say, lambda key, **values: catalog.render(key, language, **values))


def status(value: str) -> Say:
    """An order's status ('exchange requested') in the customer's words."""
    plain = value.replace("(", "").replace(")", "").replace(" ", "_")
    return Say(f"store.status.{plain}")


STATUSES = ("pending", "processed", "delivered", "cancelled", "return requested",
            "exchange requested", "pending (item modified)")
CANCEL_REASONS = ("no longer needed", "ordered by mistake")


def cancel_reason(reason: str) -> Say:
    return Say("store.reason." + reason.replace(" ", "_"))


# Every key the store's step says; the pack is refused at load when a catalog lacks one.
STEP_REPLY_KEYS = frozenset({
    "store.verified", "store.anything_else", "store.how_can_i_help", "store.no_such_method",
    "store.confirm", "store.not_changed",
    "store.done.order_address", "store.done.user_address", "store.done.cancel",
    "store.done.return", "store.done.exchange", "store.done.modify",
    "store.unknown_order", "store.tracking", "store.no_tracking",
    "store.which_one", "store.which_one.item", "store.or", "store.wrong_status",
    "store.variants.several", "store.variants.none", "store.those_options",
    "store.propose.order_address", "store.propose.user_address", "store.propose.cancel",
    "store.propose.return", "store.propose.exchange", "store.propose.modify",
    "store.money.pay", "store.money.back",
    "store.method.card", "store.method.gift_card", "store.method.paypal",
    "store.address.which", "store.address.state", "store.address.new",
    "store.cancel.whole_only", "store.cancel.ask_whole", "store.cancel.kept",
    "store.cancel.ask_reason",
    "store.which_items.exchange", "store.which_items.modify", "store.which_items.return",
    "store.which_items.cancel", "store.no_order.delivered", "store.no_order.pending",
    "store.refused.none", "store.refused.other",
    *(status(value).key for value in STATUSES),
    *(cancel_reason(reason).key for reason in CANCEL_REASONS),
})
