"""A shipped pack's catalogs hold only replies something can say.

A reply nothing says is kept up in every language and read as behaviour the assistant has.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from babel.messages.pofile import read_po

import relaydesk
from architecture.pack_reply_keys import (
    nested_reply_prefixes,
    refusal_keys,
    refusal_reasons,
    unsaid_keys,
)
from relaydesk.assistant.flows import FlowBook
from relaydesk.pack import load_pack
from relaydesk.testing.fixtures import build_test_assistant
from support.services import shared_cache_dir

SOURCE = Path(relaydesk.__file__).parent
PACKS = SOURCE / "packs"


def catalog_keys(locale: Path) -> set[str]:
    """The message ids of every language's catalog."""
    keys: set[str] = set()
    for po_path in sorted(locale.glob("*/LC_MESSAGES/messages.po")):
        with po_path.open("rb") as po_file:
            keys |= {message.id for message in read_po(po_file) if message.id}
    return keys


@pytest.mark.parametrize("name", ["paylater", "retail"])
def test_a_shipped_pack_holds_no_reply_that_nothing_says(name: str) -> None:
    parts = build_test_assistant(load_pack(name), shared_cache_dir()).parts
    unsaid = unsaid_keys(
        catalog_keys(PACKS / name / "locale"),
        parts,
        pack_sources=(PACKS / name).rglob("*.py"),
        core_sources=(SOURCE / "tools").rglob("*.py"),
    )
    assert unsaid == [], f"{name} catalogs hold replies nothing says: {unsaid}"


FLOWS = FlowBook.model_validate(
    {
        "flows": [
            {
                "name": "postpone",
                "intents": ["postpone"],
                "tool": "postpone",
                "denied_prefix": "postpone.denied",
                "done": {
                    "key": "postpone.done",
                    "params": {"plan": "reply(plan.state, result.plan_status)"},
                },
            }
        ]
    }
)


def test_a_refusal_says_its_reason_under_the_flow_prefix_then_denied_then_alone(
    tmp_path: Path,
) -> None:
    policy = tmp_path / "policy.py"
    policy.write_text(
        "def decide(order):\n"
        '    if order.late:\n        return deny("postpone.overdue", days=3)\n'
        '    return allow("ok")\n',
        encoding="utf-8",
    )
    assert refusal_reasons([policy]) == {"postpone.overdue"}
    said = ["postpone.denied.overdue", "denied.overdue", "overdue"]
    assert FLOWS.flows[0].refusal_keys("postpone.overdue") == said
    assert refusal_keys(FLOWS, {"postpone.overdue"}) == set(said)


def test_a_nested_reply_names_the_prefix_its_values_are_said_under() -> None:
    assert nested_reply_prefixes(FLOWS) == {"plan.state"}
