"""Cancellations: whole pending orders only, for one of the policy's two reasons."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from relaydesk.packs.retail.dialogue import words as w
from relaydesk.packs.retail.dialogue.items import items_named, which_items, whole_order
from relaydesk.packs.retail.dialogue.proposals import Proposal
from relaydesk.packs.retail.dialogue.sentences import Listed, Say

if TYPE_CHECKING:
    from relaydesk.packs.retail.dialogue.agent import StoreAssistant
    from relaydesk.packs.retail.dialogue.planning import Plan


def cancel_request(
    agent: StoreAssistant, text: str, orders: list[dict[str, Any]], plan: Plan
) -> None:
    """Which pending orders to cancel: named, 'all pending', by their items, or the one being
    discussed; a whole order is offered when only some of its items were named."""
    named = [o for o in orders if o["status"] == "pending" and o["order_id"] in w.order_ids(text)]
    if not named and re.search(r"\ball\b.*\bpending|\bpending orders\b", text.lower()):
        named = [o for o in orders if o["status"] == "pending"]
    if not named:
        hits = items_named(text, orders, "pending")
        hit_orders = {h[1]["order_id"]: h[1] for h in hits}
        named = list(hit_orders.values())
        if not whole_order(text) and _offer_whole_orders(text, named, hits, plan):
            return
    if not named and any(p.kind == "cancel" for p in plan.ready):
        return  # this message gave the reason for a cancellation already asked about
    if not named and plan.last_order:
        last = agent.state.orders.get(plan.last_order)
        named = [last] if last and last["status"] == "pending" else []
    for order in named:  # a cancelled order needs no more item changes
        plan.open_items = [o for o in plan.open_items if o.order_id != order["order_id"]]
        plan.changes = {k: v for k, v in plan.changes.items() if k[1] != order["order_id"]}
        if plan.question_order == order["order_id"]:
            plan.question = plan.question_order = None
    if not named:
        plan.question = which_items("cancel", orders)
        plan.topic = "cancel"
        return
    plan.topic = None
    plan.cancels_without_reason.extend(o["order_id"] for o in named)
    cancel_reasons(agent, text, plan)


def _offer_whole_orders(
    text: str, named: list[dict[str, Any]], hits: list[Any], plan: Plan
) -> bool:
    """'Cancel only the hose': orders are cancelled whole, so ask before cancelling more."""
    partial = [o for o in named if len(o["items"]) > len([h for h in hits if h[1] is o])]
    if not partial:
        return False
    # Orders whose every item was named are cancelled as asked; the others are offered whole.
    whole = [o["order_id"] for o in named if o not in partial]
    plan.cancel_reason = w.cancel_reason(text) or plan.cancel_reason
    if whole and plan.cancel_reason:
        plan.ready += [Proposal("cancel", o["order_id"], items=o["items"],
                                reason=plan.cancel_reason) for o in named if o not in partial]
    elif whole:
        plan.cancels_without_reason.extend(whole)
    plan.cancel_offer = [o["order_id"] for o in partial]
    also = tuple(
        Say("store.cancel.whole_only", {
            "order_id": o["order_id"],
            "items": ", ".join(i["name"] for i in o["items"] if all(i is not h[2] for h in hits)),
        }) for o in partial)
    plan.question = Say("store.cancel.ask_whole", {"orders": Listed(also, joiner=" ")})
    return True


def answer_cancel_offer(text: str, plan: Plan) -> None:
    offered, plan.cancel_offer = plan.cancel_offer, []
    if w.is_yes(text) or (offered and whole_order(text) and w.wants(text).cancel):
        plan.cancels_without_reason.extend(offered)
    elif offered:
        plan.said.append(Say("store.cancel.kept"))


def cancel_reasons(agent: StoreAssistant, text: str, plan: Plan) -> None:
    if not plan.cancels_without_reason:
        return
    reason = w.cancel_reason(text) or plan.cancel_reason
    if reason is None:
        plan.question = Say("store.cancel.ask_reason")
        return
    plan.cancel_reason = reason
    for order_id in plan.cancels_without_reason:
        items = agent.state.orders[order_id]["items"]
        plan.ready.append(Proposal("cancel", order_id, items=items, reason=reason))
    plan.cancels_without_reason = []
