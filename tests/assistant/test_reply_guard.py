"""The guard on every reply of the normal (catalog) path: links, backed outcomes, length."""

from __future__ import annotations

from typing import Any

import pytest

from relaydesk.assistant.dialogue import DialogueState
from relaydesk.assistant.engine import PackAssistant
from relaydesk.assistant.guard import ReplyGuard, links_in, trim_to_words
from relaydesk.assistant.turn import TurnResult
from relaydesk.assistant.turn_builder import TurnBuilder
from relaydesk.assistant.understanding import Understanding
from relaydesk.domain.model import EventKind

ARTICLE = "http://127.0.0.1:8000/help/en/late-fees"
GUARD = ReplyGuard(frozenset({ARTICLE}), allowed_prefixes=("https://status.example/",))
POSTPONED = {"amount": "€60.00", "order_id": "ORD-100001", "date": "4 December 2026"}


def test_a_link_that_is_no_known_article_is_refused() -> None:
    verdict = GUARD.check(f"See {ARTICLE}. Or https://evil.example/pay now.", [], [])
    assert verdict.problems == ["unknown_link:https://evil.example/pay"]
    assert GUARD.check(f"See {ARTICLE}.", [], []).passed
    assert GUARD.check("Check https://status.example/today for outages.", [], []).passed


def test_a_relative_help_link_counts_as_a_link() -> None:
    assert links_in("Read /help/en/unknown-article first.") == ["/help/en/unknown-article"]
    assert not GUARD.check("Read /help/en/unknown-article first.", [], []).passed


def test_an_outcome_is_stated_only_with_a_done_result_of_the_same_tool() -> None:
    assert GUARD.check("Done.", ["postpone_payment"], []).problems == [
        "unbacked_claim:postpone_payment"
    ]
    assert GUARD.check("Done.", ["postpone_payment"], ["next_payment"]).problems == [
        "unbacked_claim:postpone_payment"
    ]
    assert GUARD.check("Done.", ["postpone_payment"], ["postpone_payment"]).passed


def test_a_reply_over_the_budget_keeps_whole_sentences_within_it() -> None:
    sentence = "This sentence has exactly seven words in it."
    text = " ".join([sentence] * 10)  # 80 words
    verdict = ReplyGuard(frozenset(), max_words=60).check(text, [], [])
    assert len(verdict.text.split()) <= 60
    assert verdict.text.endswith(".") and verdict.text.startswith(sentence)
    assert trim_to_words("one two three four five", 3) == "one two three…"


def understood(language: str = "en") -> Understanding:
    return Understanding(
        text="...", language=language, language_confidence=0.9, intent="postpone_payment",
        confidence=0.9, out_of_scope=False, entities=(), frustration=0.0, wants_human=False,
        ranked=(("postpone_payment", 0.9),),
    )  # fmt: skip


@pytest.fixture
def turn(demo_assistant: PackAssistant) -> TurnBuilder:
    return TurnBuilder(demo_assistant.parts, understood(), DialogueState(), "cust-alice")


def messages(result: TurnResult) -> list[tuple[str, Any]]:
    return [
        (event.text or "", event.data.get("reply_key"))
        for event in result.events
        if event.kind is EventKind.MESSAGE
    ]


def guard_problems(result: TurnResult) -> list[str]:
    signal = next(event for event in result.events if event.kind is EventKind.ASSISTANT_TURN)
    return list(signal.data["guard_problems"])


def test_a_reply_with_an_unknown_link_is_replaced_by_an_apology_and_a_person(
    turn: TurnBuilder,
) -> None:
    turn.say_text("Pay here: https://pay-fast.example/now", [], key="custom")
    result = turn.result()
    assert [key for _, key in messages(result)] == ["apology_tool_error"]
    assert all("pay-fast.example" not in text for text, _ in messages(result))
    assert result.escalation is not None and result.escalation.reason == "guard_rejected"
    assert guard_problems(result) == ["unknown_link:https://pay-fast.example/now"]


def test_a_catalog_reply_with_a_known_article_link_passes(
    turn: TurnBuilder, demo_assistant: PackAssistant
) -> None:
    link = turn.article_link("late-fees")
    assert link is not None and demo_assistant.parts.guard.link_known(link)
    turn.say_text(f"More: {link}", [], key="custom")
    result = turn.result()
    assert messages(result) == [(f"More: {link}", "custom")]
    assert result.escalation is None and guard_problems(result) == []


def test_an_outcome_without_this_turns_done_result_is_not_stated(turn: TurnBuilder) -> None:
    turn.say("postpone.done", claims="postpone_payment", **POSTPONED)
    result = turn.result()
    assert [key for _, key in messages(result)] == ["apology_tool_error"]
    assert all("ORD-100001" not in text for text, _ in messages(result))
    assert result.escalation is not None and result.escalation.reason == "guard_rejected"
    assert guard_problems(result) == ["unbacked_claim:postpone_payment"]


def test_an_outcome_backed_by_a_done_result_of_this_turn_is_stated(turn: TurnBuilder) -> None:
    turn.done_tools.add("postpone_payment")
    turn.say("postpone.done", claims="postpone_payment", **POSTPONED)
    result = turn.result()
    assert [key for _, key in messages(result)] == ["postpone.done"]
    assert "ORD-100001" in messages(result)[0][0]
    assert result.escalation is None


def test_every_reply_of_a_turn_holds_the_length_budget(
    turn: TurnBuilder, demo_assistant: PackAssistant
) -> None:
    budget = demo_assistant.parts.guard.max_words
    long_reply = " ".join(["Your payment plan is fine and nothing is due today."] * 12)
    assert len(long_reply.split()) > budget
    turn.say_text(long_reply, [], key="custom")
    result = turn.result()
    ((text, key),) = messages(result)
    assert key == "custom" and 0 < len(text.split()) <= budget
    assert long_reply.startswith(text)
