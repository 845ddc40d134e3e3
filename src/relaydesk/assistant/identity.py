"""Proving who an anonymous customer is, the ways the pack declares (parts.IdentityCheck)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from relaydesk.assistant.slots import entity_value

if TYPE_CHECKING:
    from relaydesk.assistant.parts import AssistantParts, IdentityCheck
    from relaydesk.assistant.turn_builder import TurnBuilder


def identity_values(
    parts: AssistantParts, check: IdentityCheck, turn: TurnBuilder, text: str, awaiting: bool
) -> dict[str, str]:
    """The identity fields this message gives, each read by the reader of its kind."""
    found: dict[str, str] = {}
    for kind in check.all_fields():
        reader = parts.slot_reader(kind)
        value = (
            reader(text, turn.understanding, awaiting)
            if reader is not None
            else entity_value(turn.understanding, kind)
        )
        if value:
            found[kind] = str(value)
    return found


def try_verification(turn: TurnBuilder, text: str, awaiting: bool) -> bool | None:
    """Collect the fields this message gives and try every way whose fields are complete.

    True: verified (the turn now has the customer); False: a complete way matched nobody;
    None: no way is complete yet (the fields given so far are kept for the next message).
    """
    check = turn.parts.verification
    if check is None:
        return None
    collected = turn.state.verify_slots
    collected.update(identity_values(turn.parts, check, turn, text, awaiting))
    tried = False
    for way in check.ways():
        if not set(way.fields) <= collected.keys():
            continue
        tried = True
        outcome = turn.call_tool(way.tool, {kind: collected[kind] for kind in way.fields})
        result = outcome.result or {}
        if outcome.done and result.get("verified"):
            collected.clear()
            turn.verified(str(result["customer_id"]))
            return True
    if tried:
        collected.clear()  # details that match nobody are asked for again, not kept
        return False
    return None
