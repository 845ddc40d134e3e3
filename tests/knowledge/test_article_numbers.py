"""One number for one fee: what the help centre says about money is what the backend charges.

Sven was told a late fee of 55,00 kr in chat beside an article saying 50 SEK. Every amount an
article states in a currency the backend charges in must be that currency's late fee, or one
of the policy's own limits; an amount in a currency the backend has no rule for is a number
nobody can check, so it is not allowed either.
"""

from __future__ import annotations

import re
from decimal import Decimal
from pathlib import Path

from relaydesk.assistant.knowledge import load_articles
from relaydesk.packs.paylater.backend.rows import FEE_RULES
from relaydesk.packs.paylater.policy import PolicyConfig

AMOUNT = re.compile(r"(?<![\d.,])(\d+(?:[.,]\d{1,2})?)\s?(EUR|SEK|GBP|NOK|DKK|USD|€|kr)\b")
SYMBOLS = {"€": "EUR", "kr": "SEK"}


def backed_amounts() -> dict[str, set[Decimal]]:
    """Per currency, the amounts the backend and its policy hold."""
    known: dict[str, set[Decimal]] = {}
    for rule in FEE_RULES:
        amounts = known.setdefault(str(rule["currency"]), set())
        amounts |= {Decimal(int(rule["amount_minor"])) / 100, Decimal(int(rule["cap_minor"])) / 100}
    config = PolicyConfig()
    for limits in (config.refund_auto_limit, config.refund_agent_limit):
        for currency, limit in limits.items():
            known.setdefault(currency, set()).add(limit)
    return known


def stated_amounts(text: str) -> list[tuple[Decimal, str]]:
    return [
        (Decimal(number.replace(",", ".")), SYMBOLS.get(unit, unit))
        for number, unit in AMOUNT.findall(text)
    ]


def test_every_amount_an_article_states_is_the_one_the_backend_holds(
    articles_folder: Path,
) -> None:
    known = backed_amounts()
    wrong = [
        f"{article.url}: {amount} {currency}"
        for article in load_articles(articles_folder)
        for amount, currency in stated_amounts(article.text)
        if amount not in known.get(currency, set())
    ]
    assert wrong == []


def test_the_late_fee_article_names_the_late_fee_of_each_currency_it_mentions(
    articles_folder: Path,
) -> None:
    fees = {
        str(rule["currency"]): Decimal(int(rule["amount_minor"])) / 100
        for rule in FEE_RULES
        if rule["code"] == "late_fee"
    }
    for article in load_articles(articles_folder):
        if article.id != "late-fees":
            continue
        stated = stated_amounts(article.text)
        assert stated, article.url
        for amount, currency in stated:
            assert amount == fees[currency], (article.url, amount, currency)


def test_a_disagreeing_article_would_be_caught() -> None:
    known = backed_amounts()
    assert Decimal(50) not in known["SEK"]  # the old Swedish text, 50 SEK, is now refused
    assert stated_amounts("en förseningsavgift på 50 SEK") == [(Decimal(50), "SEK")]
