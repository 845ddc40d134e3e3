"""The reply keys the engine asks a pack's catalog for, beside the ones its flows name.

A pack is checked against these when it loads (relaydesk.pack.checks), so a missing reply
is a sentence at start-up rather than a KeyError in a customer's conversation.
"""

from __future__ import annotations

from relaydesk.assistant.flows import FlowBook

# Said by the engine itself, whatever the pack's flows are.
ENGINE_REPLY_KEYS = (
    "greeting",  # small talk
    "thanks_reply",
    "goodbye",
    "clarify",  # the message was not understood
    "offer_human",  # a flow gave up
    "escalated_handover",  # handed to a person
    "sensitive.ack",  # handed to a person for a sensitive matter
    "apology_tool_error",  # a tool failed: never claim success
    "cancelled",  # the customer said no to a confirmation or cancelled a flow
    "confirm_yes",  # quick-reply labels of a confirmation
    "confirm_no",
    "action.denied",  # a policy refused and the pack has no more specific reply
    "knowledge.answer",  # an answer from an article, with its link
    "knowledge.answer_in_english",  # an answer from the English article, said so
    "knowledge.article_in_english",  # only the English article exists
    "confirmation.used",  # a second yes to one question
    "value_refused",  # a value the tool cannot take
    "no_answer",  # a clear question without an answer
    "choice.person",  # the quick reply that asks for a person
    "empathy.ack",  # a frustrated message acknowledged
)
# Said when an anonymous customer must prove who they are (only if the pack verifies them).
VERIFICATION_REPLY_KEYS = ("ask_verify_identity", "verify.failed")


def flow_reply_keys(flows: FlowBook) -> set[str]:
    """Every reply key the pack's flows name."""
    keys: set[str] = set()
    for flow in flows.flows:
        keys.update((flow.rejected, flow.needs_approval))
        for reply in (flow.done, flow.confirm, flow.empty):
            if reply is not None:
                keys.update(key for key in (reply.key, reply.by_email) if key is not None)
        keys.update(key for key in (flow.preview_none, flow.approved) if key is not None)
        for slot in flow.slots:
            keys.add(slot.ask)
            keys.update(slot.choice_label_keys())
    return keys
