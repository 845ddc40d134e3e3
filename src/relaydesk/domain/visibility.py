"""What a customer may see of a conversation: messages and hand-over notices, never internals."""

from __future__ import annotations

from dataclasses import replace

from relaydesk.domain.model import Event, EventKind

_CUSTOMER_KINDS = frozenset({EventKind.MESSAGE, EventKind.OWNER_CHANGED})
_CUSTOMER_DATA_KEYS = frozenset(
    {"transition", "from", "to", "agent_name", "wait_minutes", "queue_position", "choices"}
)


def for_customer(event: Event) -> Event | None:
    """The event as the customer may see it, or None when it is internal."""
    if event.kind not in _CUSTOMER_KINDS:
        return None
    data = {key: value for key, value in event.data.items() if key in _CUSTOMER_DATA_KEYS}
    return replace(event, data=data, actor_id=None)
