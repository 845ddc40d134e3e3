"""A person typing a reply: a transient notification on the conversation's topic, never stored.

Like a model's drafts, it is something the customer sees only while it is happening; a lost
one costs nothing, so it goes on the bus and not in the event log.
"""

from __future__ import annotations

import logging

from relaydesk.bus.base import EventBus, conversation_topic
from relaydesk.domain.agents import AgentAccount
from relaydesk.domain.errors import Forbidden
from relaydesk.domain.model import ConversationId, Owner
from relaydesk.store.conversations import ConversationStore

log = logging.getLogger(__name__)


def first_name(display_name: str) -> str:
    parts = display_name.strip().split()
    return parts[0] if parts else ""


def agent_typing(
    store: ConversationStore, bus: EventBus, conversation_id: ConversationId, agent: AgentAccount
) -> str:
    """Tell the customer the agent holding the conversation is typing; returns the name shown."""
    conversation = store.get_conversation(conversation_id)
    if conversation.owner is not Owner.AGENT or conversation.agent_id != agent.id:
        raise Forbidden("Only the agent holding the conversation shows as typing.")
    name = first_name(agent.display_name)
    try:
        bus.publish(
            conversation_topic(conversation_id),
            {"conversation_id": conversation_id, "typing": name},
        )
    except Exception:
        log.warning("Could not publish typing for %s", conversation_id, exc_info=True)
    return name
