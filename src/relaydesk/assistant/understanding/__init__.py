"""Understanding a customer message in any language: language, intent, entities, frustration,
out-of-scope and the ask for a person."""

from relaydesk.assistant.understanding.types import Entity, Understanding
from relaydesk.assistant.understanding.understander import (
    TALK_TO_HUMAN,
    Understander,
    load_understander,
)

__all__ = ["TALK_TO_HUMAN", "Entity", "Understander", "Understanding", "load_understander"]
