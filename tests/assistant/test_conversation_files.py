"""Every YAML conversation test in tests/conversations, run through the real turn, and what
the files must cover: every operation and refusal, every escalation trigger, in 3 languages."""

from collections import defaultdict
from collections.abc import Callable
from datetime import date
from itertools import pairwise
from pathlib import Path

import pytest

from relaydesk.assistant.engine import PackAssistant
from relaydesk.assistant.flows import FlowSpec, load_flows
from relaydesk.assistant.replies import ReplyCatalog
from relaydesk.packs.paylater.assistant import PACK_DIR, SENSITIVE_INTENTS, SENSITIVE_PHRASES
from relaydesk.packs.paylater.pack import paylater_pack
from relaydesk.testing.conversation_runner import ConversationTestRunner
from relaydesk.testing.conversation_spec import ConversationTest, Step, load_conversation_tests

FOLDER = Path(__file__).resolve().parents[1] / "conversations"
CASES = load_conversation_tests(FOLDER)
FLOWS = load_flows(PACK_DIR / "flows.yaml").flows
SENSITIVE_REASONS = {
    reason for reason, _skill in [*SENSITIVE_INTENTS.values(), *SENSITIVE_PHRASES.values()]
}
ESCALATIONS = sorted(
    SENSITIVE_REASONS
    | {"asked_for_human", "frustration", "low_confidence", "loop", "flow_failed", "tool_error",
       "needs_approval"}
)  # fmt: skip
# Refusals a conversation cannot reach: the flow stops earlier, with its own reply.
UNREACHABLE_REFUSALS = {
    "postpone.denied.not_later": "zero days is no answer: the days are asked again",
    "postpone.denied.already_paid": "the preview finds nothing due and says so first",
    "email.denied.in_use": "an email of another account gets the generic refusal (reveals nothing)",
}
YES_OR_NO = {"yes", "no", "ja", "nein", "nej", "sí", "si"}
LOOK_UPS = {"next_payment", "explain_fee", "find_orders", "verify_customer"}


def test_conversation_tests_cover_at_least_three_languages() -> None:
    languages = {test.language or "en" for _, test in CASES}
    assert len(languages) >= 3


@pytest.mark.parametrize(
    ("source", "case"), CASES, ids=[f"{source.stem}:{case.name}" for source, case in CASES]
)
def test_conversation(source: Path, case: ConversationTest, demo_assistant: PackAssistant) -> None:
    runner = ConversationTestRunner(paylater_pack(), demo_assistant, date.today())
    outcome = runner.run(source, case)
    assert outcome.passed, "\n".join(outcome.failures)


def languages_where(found: Callable[[list[Step]], bool]) -> set[str]:
    return {case.language or "en" for _, case in CASES if found(case.steps)}


def steps_of_all() -> list[Step]:
    return [step for _, case in CASES for step in case.steps]


@pytest.mark.parametrize("flow", FLOWS, ids=[flow.name for flow in FLOWS])
def test_every_operation_has_a_happy_path(flow: FlowSpec) -> None:
    tool = flow.tool
    done = [s for s in steps_of_all() if s.expect.tool and s.expect.tool.name == tool
            and s.expect.tool.status == "done"]  # fmt: skip
    assert done, f"no conversation test sees {tool} done"


def test_every_refusal_reply_of_every_operation_is_tested() -> None:
    keys = ReplyCatalog.load_sources(PACK_DIR / "locale").message_keys()
    prefixes = tuple(f"{flow.denied_prefix}." for flow in FLOWS if flow.denied_prefix)
    refusals = {key for key in keys if key.startswith(prefixes)} - set(UNREACHABLE_REFUSALS)
    tested = {step.expect.reply_key for step in steps_of_all()}
    assert sorted(refusals - tested) == []


@pytest.mark.parametrize("reason", ESCALATIONS)
def test_every_escalation_trigger_is_tested_in_three_languages(reason: str) -> None:
    languages = languages_where(lambda steps: any(s.expect.escalation == reason for s in steps))
    assert len(languages) >= 3, f"{reason}: {sorted(languages)}"


def _corrected(steps: list[Step]) -> bool:
    """A confirmation answered with a change instead of yes or no, and confirmed anew."""
    return any(
        before.expect.choices == ["yes", "no"]
        and after.customer.strip().casefold() not in YES_OR_NO
        and after.expect.choices == ["yes", "no"]
        and after.expect.no_tool_run
        for before, after in pairwise(steps)
    )


def _switched(steps: list[Step]) -> bool:
    """A tool answered in the middle of a flow whose question is asked again."""
    return any(
        s.expect.tool is not None and (s.expect.reply_key or "").startswith("ask_") for s in steps
    ) or any(
        s.expect.tool is not None and s.expect.tool.name == "explain_fee" and i > 0
        for i, s in enumerate(steps)
    )


CATEGORIES: dict[str, Callable[[list[Step]], bool]] = {
    "happy path": lambda steps: any(s.expect.tool and s.expect.tool.status == "done"
                                    and s.expect.tool.name != "next_payment" for s in steps),
    "refusal": lambda steps: any(s.expect.tool and s.expect.tool.status == "denied"
                                 for s in steps),
    "cancel": lambda steps: any(s.expect.reply_key == "cancelled" for s in steps),
    "correction": _corrected,
    "topic switch": _switched,
}  # fmt: skip


@pytest.mark.parametrize("category", sorted(CATEGORIES))
def test_every_category_is_tested_in_three_languages(category: str) -> None:
    assert len(languages_where(CATEGORIES[category])) >= 3


def test_corrections_cancels_and_switches_are_shown_in_two_flows_at_least() -> None:
    flows: dict[str, set[str]] = defaultdict(set)
    for _, case in CASES:
        named = {s.expect.tool.name for s in case.steps if s.expect.tool}
        named |= {tool for s in case.steps for tool in s.expect.no_tool_run}
        for category in ("cancel", "correction", "topic switch"):
            if CATEGORIES[category](case.steps):
                flows[category] |= named - LOOK_UPS
    assert {category: len(names) >= 2 for category, names in flows.items()} == {
        "cancel": True,
        "correction": True,
        "topic switch": True,
    }, flows
