"""A short or data-heavy message does not switch the reply language mid-conversation: emails,
links and ids are not language evidence, the conversation's language settles close calls,
and an answer to the assistant's question (an address) is data, not a change of language.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from relaydesk.assistant.engine import PackAssistant
from relaydesk.packs.paylater.pack import paylater_pack
from relaydesk.testing.conversation_runner import ConversationTestRunner
from relaydesk.testing.conversation_spec import ConversationTest

CASES = {
    "sv, an email address outweighs the Swedish words": {
        "customer_ref": "cust-sven", "language": "sv",
        "steps": [{"customer": "Byt min e-postadress till alice@example.com",
                   "expect": {"reply_language": "sv"}}],
    },
    "sv, a short correction is read as Slovak": {
        "customer_ref": "cust-sven", "language": "sv",
        "steps": [{"customer": "Kan jag skjuta upp betalningen för ORD-200001 en vecka?"},
                  {"customer": "nej, hellre 3 dagar", "expect": {"reply_language": "sv"}}],
    },
    "es, a refund question is read as Portuguese": {
        "customer_ref": "cust-alice", "language": "es",
        "steps": [{"customer": "¿Dónde está mi reembolso del pedido ORD-100002?",
                   "expect": {"reply_language": "es"}}],
    },
    "de, a foreign address switches the conversation to English": {
        "customer_ref": "cust-alice", "language": "de",
        "steps": [{"customer": "Ich bin umgezogen und möchte meine Adresse ändern"},
                  {"customer": "Main Street 1, 10001 New York, US",
                   "expect": {"reply_language": "de"}}],
    },
}  # fmt: skip


@pytest.mark.parametrize("name", sorted(CASES))
def test_the_reply_stays_in_the_conversations_language(
    name: str, demo_assistant: PackAssistant
) -> None:
    case = ConversationTest.model_validate({"name": name, **CASES[name]})
    runner = ConversationTestRunner(paylater_pack(), demo_assistant, date.today())
    outcome = runner.run(Path(__file__), case)
    assert outcome.passed, "\n".join(outcome.failures)
