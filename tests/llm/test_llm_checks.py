"""The model-output checks on their own: what counts as a claim, a leak, an echo, an invention."""

from relaydesk.assistant.claims import GENERIC_CLAIMS
from relaydesk.assistant.guard import ReplyGuard
from relaydesk.assistant.understanding.language import LanguageGuess
from relaydesk.llm.checks import ModelOutputGuard
from relaydesk.llm.checks import outcome_claims as claims_in
from relaydesk.packs.paylater.claims import CLAIMS

ARTICLE = "Once the refund has been processed, it reaches your card in 5 to 10 days."


def english(_text: str) -> LanguageGuess:
    return LanguageGuess("en", 0.9)


PAYLATER_CLAIMS = (*GENERIC_CLAIMS, *CLAIMS)
GUARD = ModelOutputGuard(
    ReplyGuard(frozenset({"http://x/help/en/refunds"})), english, "RD-1", PAYLATER_CLAIMS
)


def outcome_claims(text: str, sources: list[str] | None = None) -> list[str]:
    """Claims as the demo company's assistant reads them (core's and its own)."""
    return claims_in(text, sources or [], PAYLATER_CLAIMS)


def test_actions_stated_as_done_or_promised_are_claims_in_several_languages() -> None:
    assert outcome_claims("Your payment has been postponed by a week.") == ["postpone_payment"]
    assert outcome_claims("I've refunded the order.") == ["request_refund"]
    assert outcome_claims("If you do not pay, we will cancel it.") == ["promise"]
    assert outcome_claims("Die Zahlung wurde um eine Woche verschoben.") == ["postpone_payment"]
    assert outcome_claims("Betalningen har skjutits upp.") == ["postpone_payment"]


def test_core_knows_only_claims_any_business_shares() -> None:
    assert claims_in("Your payment has been postponed by a week.") == []
    assert claims_in("We will waive the fee.") == ["promise"]
    assert claims_in("Your address has been updated.") == ["account_change"]


def test_words_quoted_from_the_article_are_not_a_claim() -> None:
    assert outcome_claims("Once the refund has been processed it takes days.", [ARTICLE]) == []
    assert outcome_claims("Your refund has been approved.", [ARTICLE]) == ["request_refund"]


def test_a_faithful_answer_passes_and_an_invented_number_does_not() -> None:
    faithful = "Once the refund has been processed, it reaches your card in 5 to 10 days."
    assert GUARD.check_answer(faithful, "en", [ARTICLE], set(), set()).passed
    invented = "Once the refund has been processed, it reaches your card in 2 days."
    problems = GUARD.check_answer(invented, "en", [ARTICLE], set(), set()).problems
    assert problems == ["unsupported_number:2"]


def test_a_known_article_that_was_not_cited_is_refused_as_a_link() -> None:
    text = "Refunds reach your card in 5 to 10 days, see http://x/help/en/refunds"
    problems = GUARD.check_answer(text, "en", [ARTICLE], {"http://x/help/en/other"}, set()).problems
    assert "uncited_link:http://x/help/en/refunds" in problems


def test_a_looping_answer_and_an_answer_of_questions_are_refused() -> None:
    # what a 270M base model said to "Vad händer om jag betalar för sent?"
    looping = (
        "Vad händer om jag betalar för tidigt? mendatanguser\n"
        "Vad händer om jag betalar för lite? mendatanguser\n"
        "Vad händer om jag betalar för tidigt? mendatanguser"
    )
    assert "repetitive" in GUARD.check_answer(looping, "en", [ARTICLE], set(), set()).problems
    asking = "Do you mean a refund? Or a payment? Refunds reach your card in 5 to 10 days."
    assert "not_an_answer" in GUARD.check_answer(asking, "en", [ARTICLE], set(), set()).problems


def test_prompt_labels_copied_into_an_answer_are_refused() -> None:
    copied = "Article: Refund timing\n\nOnce the refund has been processed, it takes 5 to 10 days."
    assert "template_markup" in GUARD.check_answer(copied, "en", [ARTICLE], set(), set()).problems
